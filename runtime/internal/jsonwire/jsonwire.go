// Package jsonwire reads and writes the JSON of the runtime's own hot
// records (workflow states, messages) without reflection.
//
// It is an accelerator, not a second JSON implementation: writers produce
// the bytes encoding/json produces for the same values, and the Reader
// handles only the plain, canonical input those writers produce. Whatever
// the Reader does not handle (an escaped key, a string with escapes or
// non-ASCII bytes, a number that is not an integer, invalid JSON) is an
// error, on which callers decode the whole record with encoding/json
// instead, which then gives the exact result or error.
package jsonwire

import (
	"errors"
	"strconv"
	"unicode/utf8"
)

// ErrFallback reports input the Reader does not handle: decode it with
// encoding/json.
var ErrFallback = errors.New("jsonwire: input needs encoding/json")

// maxDepth bounds nesting, as encoding/json does.
const maxDepth = 10000

// Reader reads one JSON document.
type Reader struct {
	b []byte
	i int
}

// NewReader returns a Reader of b.
func NewReader(b []byte) *Reader { return &Reader{b: b} }

func (r *Reader) ws() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (r *Reader) peek() byte {
	r.ws()
	if r.i < len(r.b) {
		return r.b[r.i]
	}
	return 0
}

// Null consumes a null and reports whether there was one.
func (r *Reader) Null() bool {
	if r.peek() == 'n' && r.i+4 <= len(r.b) && string(r.b[r.i:r.i+4]) == "null" {
		r.i += 4
		return true
	}
	return false
}

// Object reads an object, calling fn with each key; fn must read the
// value. A null reads as an object without keys.
func (r *Reader) Object(fn func(key []byte) error) error {
	if r.Null() {
		return nil
	}
	if r.peek() != '{' {
		return ErrFallback
	}
	r.i++
	if r.peek() == '}' {
		r.i++
		return nil
	}
	for {
		key, err := r.plainString()
		if err != nil {
			return err
		}
		if r.peek() != ':' {
			return ErrFallback
		}
		r.i++
		if err := fn(key); err != nil {
			return err
		}
		switch r.peek() {
		case ',':
			r.i++
		case '}':
			r.i++
			return nil
		default:
			return ErrFallback
		}
	}
}

// Array reads an array, calling fn for each element; fn must read it. A
// null reads as an empty array.
func (r *Reader) Array(fn func() error) error {
	if r.Null() {
		return nil
	}
	if r.peek() != '[' {
		return ErrFallback
	}
	r.i++
	if r.peek() == ']' {
		r.i++
		return nil
	}
	for {
		if err := fn(); err != nil {
			return err
		}
		switch r.peek() {
		case ',':
			r.i++
		case ']':
			r.i++
			return nil
		default:
			return ErrFallback
		}
	}
}

// plainString reads a string without escapes and of ASCII bytes only, and
// returns its content (aliasing the input).
func (r *Reader) plainString() ([]byte, error) {
	if r.peek() != '"' {
		return nil, ErrFallback
	}
	start := r.i + 1
	for j := start; j < len(r.b); j++ {
		c := r.b[j]
		if c == '"' {
			r.i = j + 1
			return r.b[start:j], nil
		}
		if c < 0x20 || c == '\\' || c >= utf8.RuneSelf {
			return nil, ErrFallback
		}
	}
	return nil, ErrFallback
}

// String reads a string (plain only, see plainString); null reads as "".
func (r *Reader) String() (string, error) {
	if r.Null() {
		return "", nil
	}
	s, err := r.plainString()
	return string(s), err
}

// Int reads an integer (no fraction, no exponent); null reads as 0.
func (r *Reader) Int() (int64, error) {
	if r.Null() {
		return 0, nil
	}
	r.ws()
	start := r.i
	if r.i < len(r.b) && r.b[r.i] == '-' {
		r.i++
	}
	digits := r.i
	for r.i < len(r.b) && r.b[r.i] >= '0' && r.b[r.i] <= '9' {
		r.i++
	}
	if r.i == digits || (r.b[digits] == '0' && r.i-digits > 1) {
		return 0, ErrFallback
	}
	if r.i < len(r.b) {
		switch r.b[r.i] {
		case '.', 'e', 'E':
			return 0, ErrFallback
		}
	}
	v, err := strconv.ParseInt(string(r.b[start:r.i]), 10, 64)
	if err != nil {
		return 0, ErrFallback
	}
	return v, nil
}

// Raw reads any value, checking its syntax, and returns its bytes
// (aliasing the input).
func (r *Reader) Raw() ([]byte, error) {
	r.ws()
	start := r.i
	if err := r.skip(0); err != nil {
		return nil, err
	}
	return r.b[start:r.i], nil
}

// End checks that only whitespace is left.
func (r *Reader) End() error {
	if r.peek() != 0 || r.i != len(r.b) {
		return ErrFallback
	}
	return nil
}

// skip reads one value, checking its syntax.
func (r *Reader) skip(depth int) error {
	if depth > maxDepth {
		return ErrFallback
	}
	switch c := r.peek(); {
	case c == '{':
		r.i++
		if r.peek() == '}' {
			r.i++
			return nil
		}
		for {
			if r.peek() != '"' {
				return ErrFallback
			}
			if err := r.skipString(); err != nil {
				return err
			}
			if r.peek() != ':' {
				return ErrFallback
			}
			r.i++
			if err := r.skip(depth + 1); err != nil {
				return err
			}
			switch r.peek() {
			case ',':
				r.i++
			case '}':
				r.i++
				return nil
			default:
				return ErrFallback
			}
		}
	case c == '[':
		r.i++
		if r.peek() == ']' {
			r.i++
			return nil
		}
		for {
			if err := r.skip(depth + 1); err != nil {
				return err
			}
			switch r.peek() {
			case ',':
				r.i++
			case ']':
				r.i++
				return nil
			default:
				return ErrFallback
			}
		}
	case c == '"':
		return r.skipString()
	case c == '-' || (c >= '0' && c <= '9'):
		return r.skipNumber()
	case c == 't':
		return r.literal("true")
	case c == 'f':
		return r.literal("false")
	case c == 'n':
		return r.literal("null")
	}
	return ErrFallback
}

func (r *Reader) literal(s string) error {
	if r.i+len(s) <= len(r.b) && string(r.b[r.i:r.i+len(s)]) == s {
		r.i += len(s)
		return nil
	}
	return ErrFallback
}

// skipString reads a string token with the rules of encoding/json's
// scanner: no control characters, valid escapes, any other byte.
func (r *Reader) skipString() error {
	j := r.i + 1
	for j < len(r.b) {
		c := r.b[j]
		switch {
		case c == '"':
			r.i = j + 1
			return nil
		case c < 0x20:
			return ErrFallback
		case c == '\\':
			if j+1 >= len(r.b) {
				return ErrFallback
			}
			switch r.b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if j+6 > len(r.b) {
					return ErrFallback
				}
				for _, h := range r.b[j+2 : j+6] {
					if !isHex(h) {
						return ErrFallback
					}
				}
				j += 6
			default:
				return ErrFallback
			}
		default:
			j++
		}
	}
	return ErrFallback
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// skipNumber reads a number token: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (r *Reader) skipNumber() error {
	b, j := r.b, r.i
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case j < len(b) && b[j] >= '1' && b[j] <= '9':
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
	default:
		return ErrFallback
	}
	if j < len(b) && b[j] == '.' {
		j++
		d := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j == d {
			return ErrFallback
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		d := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j == d {
			return ErrFallback
		}
	}
	r.i = j
	return nil
}

// Canonical reports whether p is one JSON value that encoding/json
// would write back byte for byte: valid, compact (no whitespace outside
// strings), with no character it escapes when writing (<, >, &, U+2028,
// U+2029) in its strings.
func Canonical(p []byte) bool {
	r := Reader{b: p}
	if len(p) == 0 || p[0] == ' ' || p[0] == '\t' || p[0] == '\n' || p[0] == '\r' {
		return false
	}
	if r.skip(0) != nil || r.i != len(p) {
		return false
	}
	in := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		if in {
			switch c {
			case '\\':
				i++
			case '"':
				in = false
			case '<', '>', '&':
				return false
			case 0xE2:
				if i+2 < len(p) && p[i+1] == 0x80 && (p[i+2] == 0xA8 || p[i+2] == 0xA9) {
					return false
				}
			}
			continue
		}
		switch c {
		case '"':
			in = true
		case ' ', '\t', '\n', '\r':
			return false
		}
	}
	return true
}

// AppendString appends s as a JSON string, escaped as encoding/json
// escapes it (HTML characters included).
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

const hex = "0123456789abcdef"

// AppendInt appends an integer.
func AppendInt(dst []byte, v int64) []byte { return strconv.AppendInt(dst, v, 10) }
