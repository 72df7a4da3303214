// Package compress wraps any storage.Storage so that record data is
// compressed at rest. Versions, ids and tags pass through unchanged, so the
// wrapped store keeps its consistency guarantees.
//
// The codec is one header byte followed by the payload:
//
//	0x00  stored as is (data shorter than the threshold, or that did not shrink)
//	0x01  zstd frame (github.com/klauspost/compress/zstd)
//	0x02  gzip stream (compress/gzip, RFC 1952)
//
// Empty data is stored as zero bytes, without a header. Get decodes whatever
// header it finds, so the codec can be changed on a live store; data written
// without the wrapper cannot be read through it (its first byte is taken for a
// header), so a store is either always wrapped or never.
package compress
