package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// CallbackURL returns the URL an API calls back for the callback signal of
// the call whose key is key, made by workflow workflowID: the receiver's
// URL, the endpoint's path and a token carrying the workflow id and the key
// (signed with Options.TokenSecret). Generated HTTP clients put it where
// the spec's runtime expression says ({$request.body#/callbackUrl}).
//
// A nil receiver returns "" (generated clients then leave the input as it
// is), so that a worker without a receiver can pass one it did not make.
func (r *Receiver) CallbackURL(workflowID, signal, key string) string {
	if r == nil {
		return ""
	}
	raw := base64.RawURLEncoding.EncodeToString([]byte(workflowID + "\n" + key))
	if r.o.TokenSecret != nil {
		raw += "." + base64.RawURLEncoding.EncodeToString(r.tokenMAC(signal, workflowID, key))
	}
	return r.o.URL + "/callbacks/" + signal + "/" + raw
}

func (r *Receiver) tokenMAC(signal, workflowID, key string) []byte {
	m := hmac.New(sha256.New, r.o.TokenSecret)
	m.Write([]byte(signal + "\n" + workflowID + "\n" + key))
	return m.Sum(nil)[:16]
}

// parseToken returns the workflow id and call key of a callback token.
func (r *Receiver) parseToken(signal, token string) (id, key string, err error) {
	raw, mac, signed := strings.Cut(token, ".")
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return "", "", errors.New("malformed")
	}
	id, key, ok := strings.Cut(string(b), "\n")
	if !ok || id == "" || key == "" {
		return "", "", errors.New("malformed")
	}
	if r.o.TokenSecret != nil {
		got, err := base64.RawURLEncoding.DecodeString(mac)
		if !signed || err != nil || !hmac.Equal(got, r.tokenMAC(signal, id, key)) {
			return "", "", errors.New("not made by this receiver")
		}
	}
	return id, key, nil
}
