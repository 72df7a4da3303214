package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
)

// Sign returns the signature of body with secret as the receiver checks
// it: "sha256=" and the hex HMAC-SHA256 (senders may omit the prefix).
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// checkSignature compares the header's HMAC with the body's, in constant
// time.
func checkSignature(secret []byte, header string, body []byte) error {
	if header == "" {
		return errors.New("missing signature")
	}
	got, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(header), "sha256="))
	if err != nil {
		return errors.New("signature is not hex")
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	if !hmac.Equal(got, m.Sum(nil)) {
		return errors.New("signature does not match")
	}
	return nil
}
