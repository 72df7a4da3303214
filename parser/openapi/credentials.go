package openapi

import (
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/infgen/infgen/ir"
)

// CredentialExtension on a parameter overrides the name-based detection of
// credentials: true makes the parameter a credential, false keeps it an
// input field.
const CredentialExtension = "x-infgen-credential"

// credentialWords are the words that make a parameter name a credential's:
// compared with each word of the name (case-insensitive, split at
// separators and case changes, "X-Api-Key" → x, api, key), or with the
// whole name written as one word ("APIKEY").
var credentialWords = []string{
	"key", "apikey", "token", "accesstoken", "authtoken", "apitoken", "secret", "password",
	"passwd", "passphrase", "authorization", "cookie", "credential", "credentials",
}

// notSecretBefore are words that, before "token" or "key", name something
// that is not a secret: pagination tokens (pageToken, nextToken), keys of
// data (sortKey, partitionKey), idempotency keys, public keys.
var notSecretBefore = map[string][]string{
	"token": {"page", "next", "continuation", "continue", "cursor", "sync", "resume", "pagination", "start", "prev", "previous", "last", "delta", "change", "changes"},
	"key": {"idempotency", "dedup", "deduplication", "sort", "partition", "primary", "range", "routing", "cache", "object", "public",
		"group", "hash", "row", "shard", "lookup", "foreign", "order", "search", "start", "end", "next", "last", "map", "label", "metadata"},
}

// notSecretAfter are words that, after a credential word, describe the
// credential rather than carry it (keyId, token_type, password_policy).
var notSecretAfter = []string{
	"id", "ids", "name", "names", "type", "types", "count", "prefix", "version", "url", "uri",
	"expires", "expiry", "expiration", "ttl", "length", "hint", "format", "kind", "policy", "field",
}

// credentialName reports whether a parameter name looks like a credential's
// (see credentialWords, notSecretBefore, notSecretAfter).
func credentialName(name string) bool {
	var words []string
	for _, w := range ir.Words(name) {
		words = append(words, strings.ToLower(w))
	}
	if slices.Contains(credentialWords, strings.Join(words, "")) {
		return true
	}
	for i, w := range words {
		if !slices.Contains(credentialWords, w) {
			continue
		}
		if i > 0 && slices.Contains(notSecretBefore[w], words[i-1]) {
			continue
		}
		if i+1 < len(words) && slices.Contains(notSecretAfter, words[i+1]) {
			continue
		}
		return true
	}
	return false
}

// Why a parameter is a credential.
const (
	credScheme = "scheme" // an apiKey security scheme declares it
	credMarked = "marked" // x-infgen-credential: true
	credNamed  = "named"  // named like a credential
)

// credentialOf decides whether a header, query or cookie parameter is a
// credential: one an apiKey security scheme declares (same location and
// name), one marked x-infgen-credential: true, or one named like a
// credential and not marked false. It returns the credential without its
// GoName and why it is one, or "" for an ordinary parameter.
func (c *converter) credentialOf(p *openapi3.Parameter, in ir.ParamLocation, at ir.Pos) (ir.Credential, string) {
	if in == ir.InPath {
		return ir.Credential{}, ""
	}
	cred := ir.Credential{Name: p.Name, In: in, Doc: p.Description, Required: p.Required}
	for _, s := range c.spec.SecuritySchemes {
		if s.Kind == ir.SecurityAPIKey && s.In == in && sameParamName(in, s.ParamName, p.Name) {
			cred.Scheme, cred.GoName = s.Name, s.GoName
			return cred, credScheme
		}
	}
	switch v := p.Extensions[CredentialExtension].(type) {
	case bool:
		if v {
			return cred, credMarked
		}
		return cred, ""
	case nil:
	default:
		c.warn(at, fmt.Sprintf("%s must be true or false, not %v; ignored", CredentialExtension, v))
	}
	if credentialName(p.Name) {
		return cred, credNamed
	}
	return cred, ""
}

// sameParamName compares wire names: header names case-insensitively.
func sameParamName(in ir.ParamLocation, a, b string) bool {
	if in == ir.InHeader {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// credential completes a credential with its GoName, shared by every
// operation declaring the same parameter, and warns once per credential,
// at its first declaration, that it is not an input field.
func (c *converter) credential(cred ir.Credential, why string, at ir.Pos) ir.Credential {
	key := string(cred.In) + " " + cred.Name
	if cred.In == ir.InHeader {
		key = strings.ToLower(key)
	}
	if cred.Scheme != "" {
		if !c.credentials[key] {
			c.credentials[key] = true
			c.warn(at, fmt.Sprintf("%s parameter %s is the credential of security scheme %s: it is not an input field "+
				"(task inputs are stored in workflow history); the HTTP client sends the key set with %s",
				cred.In, cred.Name, cred.Scheme, ir.OptionName(cred.GoName)))
		}
		return cred
	}
	if name, ok := c.credentialNames[key]; ok {
		cred.GoName = name
		return cred
	}
	opt := c.pkg.Unique(ir.OptionName(ir.GoName(cred.Name)))
	cred.GoName = strings.TrimPrefix(opt, ir.OptionName(""))
	c.credentialNames[key] = cred.GoName
	if why == credMarked {
		c.warn(at, fmt.Sprintf("%s parameter %s is marked %s: it is not an input field (task inputs are stored in workflow history); "+
			"the HTTP client sends the value set with %s", cred.In, cred.Name, CredentialExtension, opt))
		return cred
	}
	c.warn(at, fmt.Sprintf("%s parameter %s looks like a credential: it is not an input field (task inputs are stored in workflow history); "+
		"the HTTP client sends the value set with %s (%s: false on the parameter keeps it an input field)",
		cred.In, cred.Name, opt, CredentialExtension))
	return cred
}
