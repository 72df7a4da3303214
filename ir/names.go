package ir

import (
	"go/token"
	"strconv"
	"strings"
	"unicode"
)

// initialisms are the words Go spells in upper case (from golint, plus a few
// common in HTTP APIs).
var initialisms = []string{
	"ACL", "AI", "API", "ASCII", "CPU", "CSS", "CSV", "DNS", "EOF", "GUID", "HTML", "HTTP",
	"HTTPS", "ID", "IP", "JSON", "JWT", "LHS", "OS", "QPS", "RAM", "RHS", "RPC", "SDK",
	"SLA", "SMTP", "SQL", "SSH", "SSO", "TCP", "TLS", "TTL", "UDP", "UI", "UID",
	"URI", "URL", "UTF8", "UUID", "VM", "XML", "XMPP", "XSRF", "XSS",
}

// isInitialism reports whether the upper-cased word is a Go initialism.
func isInitialism(upper string) bool {
	for _, w := range initialisms {
		if w == upper {
			return true
		}
	}
	return false
}

// symbolWords spells characters that would otherwise vanish from a name, so
// that enum values such as "+1" and "-1" or ">=" and "<=" stay distinct.
var symbolWords = []struct {
	r    rune
	word string
}{
	{'+', "Plus"}, {'-', "Minus"}, {'*', "Star"}, {'/', "Slash"}, {'.', "Dot"},
	{'<', "Lt"}, {'>', "Gt"}, {'=', "Eq"}, {'!', "Not"}, {'@', "At"}, {'#', "Hash"},
	{'$', "Dollar"}, {'%', "Percent"}, {'&', "And"}, {'|', "Or"}, {'~', "Tilde"},
	{'^', "Caret"}, {'?', "Question"}, {':', "Colon"}, {',', "Comma"}, {'_', "Underscore"},
	{' ', "Space"},
}

func symbolWord(r rune) string {
	for _, s := range symbolWords {
		if s.r == r {
			return s.word
		}
	}
	return "U" + strconv.FormatInt(int64(r), 16)
}

// Words splits a raw name into words: at every character that is neither a
// letter nor a digit, at lower→upper transitions ("petId" → pet, Id) and at
// the end of an upper-case run ("HTTPServer" → HTTP, Server). Digits stay
// attached to the word before them ("v2", "utf8").
func Words(raw string) []string {
	var words []string
	rs := []rune(raw)
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			words = append(words, string(rs[start:end]))
		}
		start = -1
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		prev := rs[i-1]
		switch {
		case unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
			flush(i)
			start = i
		case unicode.IsUpper(prev) && unicode.IsUpper(r) && i+1 < len(rs) && unicode.IsLower(rs[i+1]):
			flush(i)
			start = i
		}
	}
	flush(len(rs))
	return words
}

// word formats one word: initialisms in upper case, others capitalised
// (an all-upper word such as "ACTIVE" becomes "Active").
func word(w string) string {
	up := strings.ToUpper(w)
	if isInitialism(up) {
		return up
	}
	for _, sw := range specialWords {
		if strings.EqualFold(w, sw.lower) {
			return sw.word
		}
	}
	if len(up) > 2 && strings.HasSuffix(w, "s") && isInitialism(up[:len(up)-1]) {
		return up[:len(up)-1] + "s"
	}
	rs := []rune(w)
	if isASCII(w) && (up == w || strings.ToLower(w) == w) {
		rs = []rune(strings.ToLower(w))
	}
	rs[0] = unicode.ToUpper(rs[0])
	return string(rs)
}

// specialWords are spelled with inner capitals.
var specialWords = []struct{ lower, word string }{{"oauth", "OAuth"}, {"oauth2", "OAuth2"}, {"graphql", "GraphQL"}}

// GoName makes an exported Go identifier from a raw spec name, following Go
// initialisms: "pet_id" → "PetID", "get /users/{id}" → "GetUsersID",
// "x-rate-limit" → "XRateLimit". A name without letters or digits is spelled
// out ("+" → "Plus"); a leading sign before a digit too ("-1" → "Minus1").
// The result is never empty and always starts with an upper-case letter.
func GoName(raw string) string {
	name := GoNameSuffix(raw)
	if first := []rune(name)[0]; !unicode.IsUpper(first) {
		name = "X" + name
	}
	return name
}

// GoNameSuffix is GoName for a name that is appended to a prefix (an enum
// constant after its type name): it may start with a digit ("1" → "1").
func GoNameSuffix(raw string) string {
	var b strings.Builder
	rs := []rune(raw)
	if len(rs) > 1 && (rs[0] == '-' || rs[0] == '+') && unicode.IsDigit(rs[1]) {
		b.WriteString(symbolWord(rs[0]))
	}
	ws := Words(raw)
	for i, w := range ws {
		if statusClass(ws, i) {
			b.WriteString(strings.ToUpper(w)) // "4XX", not "4Xx"
			continue
		}
		b.WriteString(word(w))
	}
	if b.Len() == 0 {
		for _, r := range raw {
			b.WriteString(symbolWord(r))
		}
	}
	if b.Len() == 0 {
		return "Empty"
	}
	return b.String()
}

// statusClass reports whether word i of ws spells the "XX" of an HTTP status
// class: "4XX" in one word, or "XX" right after a word ending in 1 to 5.
func statusClass(ws []string, i int) bool {
	w := strings.ToUpper(ws[i])
	if len(w) == 3 && w[0] >= '1' && w[0] <= '5' && w[1:] == "XX" {
		return true
	}
	if w != "XX" || i == 0 {
		return false
	}
	prev := ws[i-1]
	last := prev[len(prev)-1]
	return last >= '1' && last <= '5'
}

// LowerGoName makes an unexported Go identifier ("PetID" → "petID",
// "HTTPClient" → "httpClient"); Go keywords and predeclared identifiers get
// a trailing underscore ("type" → "type_").
func LowerGoName(raw string) string {
	ws := Words(GoName(raw))
	var b strings.Builder
	for i, w := range ws {
		if i == 0 {
			w = strings.ToLower(w)
		}
		b.WriteString(w)
	}
	name := b.String()
	if token.IsKeyword(name) || isPredeclared(name) {
		name += "_"
	}
	return name
}

var predeclared = []string{
	"any", "append", "bool", "byte", "cap", "clear", "close", "comparable", "complex",
	"complex128", "complex64", "copy", "delete", "error", "false", "float32", "float64",
	"imag", "int", "int16", "int32", "int64", "int8", "iota", "len", "make", "max", "min",
	"new", "nil", "panic", "print", "println", "real", "recover", "rune", "string", "true",
	"uint", "uint16", "uint32", "uint64", "uint8", "uintptr",
}

func isPredeclared(name string) bool {
	for _, p := range predeclared {
		if p == name {
			return true
		}
	}
	return false
}

// PackageName makes a Go package name: lower-case letters and digits only,
// starting with a letter, not a keyword ("Swagger Petstore" → "swaggerpetstore").
func PackageName(raw string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(raw) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9' && b.Len() > 0) {
			b.WriteRune(r)
		}
	}
	name := b.String()
	if name == "" {
		return "api"
	}
	if token.IsKeyword(name) || isPredeclared(name) || name == "main" {
		name += "api"
	}
	return name
}

// Scope hands out Go identifiers that are unique within it: the second
// "Pet" becomes "Pet2", the third "Pet3". The zero Scope is not usable;
// call NewScope.
type Scope struct {
	used map[string]bool
}

// NewScope returns a scope in which the reserved names are already taken.
func NewScope(reserved ...string) *Scope {
	s := &Scope{used: make(map[string]bool, len(reserved))}
	s.Reserve(reserved...)
	return s
}

// Reserve marks names as taken.
func (s *Scope) Reserve(names ...string) {
	for _, n := range names {
		s.used[n] = true
	}
}

// Has reports whether name is taken.
func (s *Scope) Has(name string) bool { return s.used[name] }

// Unique returns name, or name followed by the smallest number ≥ 2 that
// makes it unique, and reserves it.
func (s *Scope) Unique(name string) string {
	return s.UniqueWith(name, nil)
}

// UniqueWith is Unique for a name that also claims derived names (for a
// method M: "DispatchM"): the candidate is accepted only when it and all
// its derived names are free, and all of them are reserved.
func (s *Scope) UniqueWith(name string, derived func(string) []string) string {
	for i := 1; ; i++ {
		cand := name
		if i > 1 {
			cand = name + strconv.Itoa(i)
		}
		if s.used[cand] {
			continue
		}
		var more []string
		if derived != nil {
			more = derived(cand)
		}
		free := true
		for _, d := range more {
			if s.used[d] {
				free = false
				break
			}
		}
		if !free {
			continue
		}
		s.used[cand] = true
		s.Reserve(more...)
		return cand
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
