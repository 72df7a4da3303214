// Package message defines the messages the runtime exchanges over a
// transport, their topics, and their encoding (JSON).
package message
