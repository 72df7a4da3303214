package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/infgen/infgen/runtime/service"
)

// Call sends operation op's request, built from in (a pointer to the
// operation's input struct; nil sends its zero value), through c, and
// decodes a successful response into out (a non-nil pointer to the output
// struct). A declared error response is a new value of op.Error's type,
// marked by [Classify]; an undeclared status above 299 is c.Undeclared's
// error (without it, an error of the status and the body's start). Every
// error is marked retryable or permanent for the runtime.
func Call(ctx context.Context, c Client, op *Operation, in, out any) error {
	inV, outV := reflect.ValueOf(in), reflect.ValueOf(out)
	if inV.IsNil() {
		inV = reflect.New(inV.Type().Elem())
	}
	p := op.resolve(inV.Type().Elem(), outV.Type().Elem())
	if p.fault != nil {
		return p.fault
	}
	inV, outV = inV.Elem(), outV.Elem()
	credential := func(key string) string {
		if c.Credential == nil {
			return ""
		}
		return c.Credential(key)
	}
	for _, cr := range op.Credentials {
		if cr.Required && credential(cr.Key) == "" {
			return service.Permanentf("%s: credential %s (%s) is not configured: pass %s to NewHTTPClient", op.Name, cr.Name, cr.In, cr.Option)
		}
	}
	u, err := op.url(c.BaseURL, p, inV, credential)
	if err != nil {
		return err
	}
	var body io.Reader
	contentType := ""
	if op.Body != nil {
		if body, contentType, err = op.body(inV.Field(p.body)); err != nil {
			return err
		}
	}
	req, err := NewRequest(ctx, op.Name, op.Method, u, body, contentType, op.Accept)
	if err != nil {
		return err
	}
	for i, pr := range op.Params {
		if pr.In != InHeader && pr.In != InCookie {
			continue
		}
		v, ok := paramValue(pr, inV.Field(p.params[i]))
		switch {
		case !ok:
		case pr.In == InHeader:
			req.Header.Set(pr.Name, HeaderParam(pr.Style, pr.Explode, pr.Name, v))
		default:
			req.AddCookie(&http.Cookie{Name: pr.Name, Value: CookieValue(v)})
		}
	}
	for _, cr := range op.Credentials {
		if v := credential(cr.Key); v != "" && cr.In == InHeader {
			req.Header.Set(cr.Name, v)
		}
	}
	if op.IdempotencyHeader != "" {
		if key := service.IdempotencyKey(ctx); key != "" {
			req.Header.Set(op.IdempotencyHeader, key)
		}
	}
	if op.Security != nil && c.Authorize != nil {
		if err := c.Authorize(req, op.Security); err != nil {
			return err
		}
	}
	// After Authorize, which may have sent a scheme's cookie already.
	for _, cr := range op.Credentials {
		if v := credential(cr.Key); v != "" && cr.In == InCookie {
			if _, err := req.Cookie(cr.Name); err != nil {
				req.AddCookie(&http.Cookie{Name: cr.Name, Value: v})
			}
		}
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, data, err := Do(hc, req, c.Header)
	if err != nil {
		return err
	}
	return op.decode(c, p, resp, data, outV)
}

// url is the request URL: the base URL, the path with its parameters, and
// the query.
func (op *Operation) url(base string, p *plan, in reflect.Value, credential func(string) string) (string, error) {
	var b strings.Builder
	b.WriteString(base)
	rest := op.Path
	for rest != "" {
		open := strings.IndexByte(rest, '{')
		end := strings.IndexByte(rest[max(open, 0):], '}')
		if open < 0 || end < 0 {
			b.WriteString(rest)
			break
		}
		end += open
		b.WriteString(rest[:open])
		i := op.param(InPath, rest[open+1:end])
		if i < 0 {
			b.WriteString(rest[open : end+1])
			rest = rest[end+1:]
			continue
		}
		pr, f := op.Params[i], in.Field(p.params[i])
		v, ok := paramValue(pr, f)
		if pr.NotEmpty && (!ok || isEmptyString(v)) {
			return "", service.Permanentf("%s: path parameter %s is empty", op.Name, pr.Name)
		}
		if !ok || !pr.JSON {
			// The field as it is, pointer included: PathParam looks
			// through it, and finds the methods of both.
			v = f.Interface()
		}
		b.WriteString(PathParam(pr.Style, pr.Explode, pr.Name, v))
		rest = rest[end+1:]
	}
	q := url.Values{}
	for i, pr := range op.Params {
		if pr.In != InQuery {
			continue
		}
		if v, ok := paramValue(pr, in.Field(p.params[i])); ok {
			AddQuery(q, pr.Style, pr.Explode, pr.Name, v)
		}
	}
	for _, cr := range op.Credentials {
		if v := credential(cr.Key); v != "" && cr.In == InQuery {
			q.Set(cr.Name, v)
		}
	}
	if len(q) > 0 {
		b.WriteString("?" + q.Encode())
	}
	return b.String(), nil
}

// isEmptyString reports a string (of any string type) that is empty.
func isEmptyString(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.String && rv.Len() == 0
}

// param is the index in Params of the parameter named name in location in,
// or -1.
func (op *Operation) param(in Location, name string) int {
	for i, pr := range op.Params {
		if pr.In == in && pr.Name == name {
			return i
		}
	}
	return -1
}

// paramValue is the value a parameter sends: an optional value only when
// set (a nil pointer, slice or map sends nothing), its JSON encoding for a
// parameter declared with content.
func paramValue(pr Param, f reflect.Value) (any, bool) {
	switch f.Kind() {
	case reflect.Pointer:
		if f.IsNil() {
			return nil, false
		}
		f = f.Elem()
	case reflect.Slice, reflect.Map, reflect.Interface:
		if f.IsNil() {
			return nil, false
		}
	}
	if pr.JSON {
		return JSONParam(f.Interface()), true
	}
	return f.Interface(), true
}

// body encodes the request body held by field f, or gives none when f is
// nil.
func (op *Operation) body(f reflect.Value) (io.Reader, string, error) {
	switch f.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		if f.IsNil() {
			return nil, "", nil
		}
	}
	value := f
	if f.Kind() == reflect.Pointer {
		value = f.Elem()
	}
	ct := op.Body.ContentType
	switch op.Body.Encoding {
	case EncodeForm:
		return strings.NewReader(FormBody(f.Interface())), ct, nil
	case EncodeMultipart:
		body, ct, err := MultipartBody(f.Interface())
		if err != nil {
			return nil, "", service.Permanent(fmt.Errorf("%s: encode multipart body: %w", op.Name, err))
		}
		return body, ct, nil
	case EncodeText:
		return strings.NewReader(ParamString(value.Interface())), ct, nil
	case EncodeRaw:
		return bytes.NewReader(value.Bytes()), ct, nil
	}
	body, err := JSONBody(op.Name, f.Interface())
	return body, ct, err
}

// decode turns the response into the result of the call: out filled for a
// success, an error otherwise.
func (op *Operation) decode(c Client, p *plan, resp *http.Response, data []byte, out reflect.Value) error {
	i := op.match(resp.StatusCode) // -1: not declared
	switch {
	case i < 0 && resp.StatusCode >= 300 && c.Undeclared != nil:
		return c.Undeclared(op.Name, resp, data)
	case i < 0 && resp.StatusCode >= 300:
		return Classify(resp, errors.New(ErrorMessage(op.Name, resp.StatusCode, BodySnippet(data))))
	case i >= 0 && op.Responses[i].Error:
		e := reflect.New(p.err).Elem()
		e.Field(p.errFields[0]).SetInt(int64(resp.StatusCode))
		e.Field(p.errFields[1]).Set(reflect.ValueOf(resp.Header))
		e.Field(p.errFields[2]).SetString(BodySnippet(data))
		if f := p.responses[i]; f >= 0 {
			decodeBody(op.Name, op.Responses[i].Encoding, data, e.Field(f), true)
		}
		return Classify(resp, e.Addr().Interface().(error))
	}
	out.Field(p.outFields[0]).SetInt(int64(resp.StatusCode))
	out.Field(p.outFields[1]).Set(reflect.ValueOf(resp.Header))
	for j, h := range op.Headers {
		if v := resp.Header.Get(h.Name); v != "" {
			f := out.Field(p.headers[j])
			x := reflect.New(elemType(f))
			if ParseHeader(v, x.Interface()) == nil {
				setValue(f, x.Elem())
			}
		}
	}
	if i >= 0 && p.responses[i] >= 0 {
		return decodeBody(op.Name, op.Responses[i].Encoding, data, out.Field(p.responses[i]), false)
	}
	return nil
}

// match is the index of the declared response for status code: the first
// whose status is the code or its range, else the default one, else -1.
func (op *Operation) match(code int) int {
	deflt := -1
	for i, r := range op.Responses {
		switch {
		case r.Status == "default":
			deflt = i
		case len(r.Status) == 3 && strings.HasSuffix(r.Status, "XX"):
			if int(r.Status[0]-'0') == code/100 {
				return i
			}
		default:
			if n, err := strconv.Atoi(r.Status); err == nil && n == code {
				return i
			}
		}
	}
	if deflt >= 0 && op.Responses[deflt].Error && code < 300 {
		return -1 // an undeclared success, not the error default
	}
	return deflt
}

// elemType is the type of the values field f holds: its element type when
// f is a pointer (an optional field).
func elemType(f reflect.Value) reflect.Type {
	if f.Kind() == reflect.Pointer {
		return f.Type().Elem()
	}
	return f.Type()
}

// setValue sets field f to v, or to a pointer to a copy of v when f is a
// pointer.
func setValue(f, v reflect.Value) {
	if f.Kind() == reflect.Pointer {
		p := reflect.New(v.Type())
		p.Elem().Set(v)
		v = p
	}
	f.Set(v)
}

// decodeBody decodes a response body into field f. A lenient decode (of an
// error's body) never fails: a body that is not the declared one (an HTML
// page from a proxy, say) leaves the field unset, and the error's Message
// keeps its start.
func decodeBody(op string, enc Encoding, data []byte, f reflect.Value, lenient bool) error {
	t := elemType(f)
	switch {
	case enc == EncodeText && t.Kind() == reflect.String:
		setValue(f, reflect.ValueOf(string(data)).Convert(t))
		return nil
	case enc != EncodeJSON && t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		setValue(f, reflect.ValueOf(data).Convert(t))
		return nil
	case f.Kind() == reflect.Pointer && lenient:
		DecodeErrorBody(op, data, f.Addr().Interface())
		return nil
	case f.Kind() == reflect.Pointer:
		// Set only for a body: an empty one leaves an optional body nil.
		v := reflect.New(t)
		if err := DecodeJSON(op, data, v.Interface()); err != nil {
			return err
		}
		if len(data) > 0 {
			f.Set(v)
		}
		return nil
	}
	err := DecodeJSON(op, data, f.Addr().Interface())
	if lenient {
		return nil
	}
	return err
}
