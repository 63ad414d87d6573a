package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ErrMalformed is wrapped by every error about a payload that is not the
// JSON its kind requires: bad syntax, unknown or duplicate fields, a value
// of the wrong type, trailing data.
var ErrMalformed = errors.New("envelope: malformed payload")

// decodeStrict decodes exactly one JSON object into v, more strictly than
// encoding/json: every object key must be lower-case ASCII ([a-z0-9_]) and
// appear at most once in its object, no field may be unknown to v, and
// nothing may follow the object. All Lanterne payload keys are struct field
// names in snake case, so with these rules encoding/json's case-insensitive
// field matching can only match a key to the field of exactly that name, and
// "last duplicate wins" never applies. Errors never quote the input.
func decodeStrict(data []byte, v any) error {
	if err := checkKeys(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describe(err)
	}
	return nil
}

// describe turns an encoding/json error into one that names at most a Go
// field path, never a piece of the input.
func describe(err error) error {
	var typ *json.UnmarshalTypeError
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &typ) && typ.Field != "":
		return fmt.Errorf("%w: field %s has the wrong type", ErrMalformed, typ.Field)
	case errors.As(err, &typ):
		return fmt.Errorf("%w: a value has the wrong type", ErrMalformed)
	case errors.As(err, &syn):
		return fmt.Errorf("%w: invalid JSON at offset %d", ErrMalformed, syn.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: truncated JSON", ErrMalformed)
	}
	// Unknown fields, bad times, bad base64: the messages of encoding/json
	// and time may quote the input, so they are not passed on.
	return fmt.Errorf("%w: invalid field or value", ErrMalformed)
}

// maxDepth bounds the nesting of objects and arrays; Lanterne payloads use
// three levels at most.
const maxDepth = 16

// checkKeys walks the JSON tokens of data and refuses anything but a single
// top-level object, nested at most maxDepth deep, whose object keys (at every depth) are non-empty
// lower-case ASCII [a-z0-9_] and unique within their object.
func checkKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type level struct {
		object  bool
		wantKey bool
		keys    map[string]bool
	}
	var stack []*level
	values := 0
	valueDone := func() {
		if len(stack) == 0 {
			values++
		} else if top := stack[len(stack)-1]; top.object {
			top.wantKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return describe(err)
		}
		if len(stack) == 0 && values > 0 {
			return fmt.Errorf("%w: data after the JSON object", ErrMalformed)
		}
		if len(stack) == 0 {
			if d, ok := tok.(json.Delim); !ok || d != '{' {
				return fmt.Errorf("%w: not a JSON object", ErrMalformed)
			}
		}
		if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:n-1]
				valueDone()
				continue
			}
			key, _ := tok.(string) // the decoder only returns strings here
			if !validKey(key) {
				return fmt.Errorf("%w: object key not in lower-case ASCII", ErrMalformed)
			}
			if stack[n-1].keys[key] {
				return fmt.Errorf("%w: duplicate object key", ErrMalformed)
			}
			stack[n-1].keys[key] = true
			stack[n-1].wantKey = false
			continue
		}
		if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') && len(stack) >= maxDepth {
			return fmt.Errorf("%w: nested more than %d levels deep", ErrMalformed, maxDepth)
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &level{object: true, wantKey: true, keys: map[string]bool{}})
		case json.Delim('['):
			stack = append(stack, &level{})
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
			valueDone()
		default:
			valueDone()
		}
	}
	if values != 1 || len(stack) != 0 {
		return fmt.Errorf("%w: truncated JSON", ErrMalformed)
	}
	return nil
}

// validKey reports whether k is non-empty lower-case ASCII letters, digits
// and underscores: the only keys Lanterne payloads use.
func validKey(k string) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
