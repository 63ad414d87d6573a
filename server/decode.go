package server

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// wantContentType refuses a body whose media type is not want (415). A
// request without a body (Content-Length 0) passes when empty is true.
func wantContentType(r *http.Request, want string) error {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || mt != want {
		return errorf(http.StatusUnsupportedMediaType, "the body must be %s", want)
	}
	return nil
}

// readBody reads at most limit bytes of the request body (413 beyond).
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, errorf(http.StatusRequestEntityTooLarge, "the body is larger than %d bytes", limit)
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, errorf(http.StatusRequestEntityTooLarge, "the body is larger than %d bytes", limit)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, errorf(http.StatusBadRequest, "the body ended before its declared length")
	case err != nil:
		return nil, errorf(http.StatusBadRequest, "the body could not be read")
	}
	return b, nil
}

// decode reads one JSON value of at most limit bytes into dst, strictly:
// the media type must be application/json, unknown fields and anything
// after the value are refused, and an error names the field at fault.
func decode(w http.ResponseWriter, r *http.Request, limit int64, dst any) error {
	if err := wantContentType(r, "application/json"); err != nil {
		return err
	}
	b, err := readBody(w, r, limit)
	if err != nil {
		return err
	}
	return decodeBytes(b, dst)
}

func decodeBytes(b []byte, dst any) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return errorf(http.StatusBadRequest, "missing JSON body")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var te *json.UnmarshalTypeError
		var ce base64.CorruptInputError
		switch {
		case errors.As(err, &te) && te.Field != "":
			return errorf(http.StatusBadRequest, "field %q has the wrong type", te.Field)
		case errors.As(err, &te):
			return errorf(http.StatusBadRequest, "the body must be a JSON object")
		case errors.As(err, &ce):
			if f := badBase64(b, reflect.TypeOf(dst)); f != "" {
				return errorf(http.StatusBadRequest, "field %q is not valid base64", f)
			}
			return errorf(http.StatusBadRequest, "a field is not valid base64")
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return errorf(http.StatusBadRequest, "unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		return errorf(http.StatusBadRequest, "malformed JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errorf(http.StatusBadRequest, "data after the JSON value")
	}
	return nil
}

// badBase64 returns the path ("wraps[1].ciphertext") of the first []byte
// field of t whose JSON string in b is not standard base64, or "".
func badBase64(b []byte, t reflect.Type) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return ""
	}
	return findBadBase64(v, t, "")
}

func findBadBase64(v any, t reflect.Type, path string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			fv, ok := m[name]
			if !ok {
				for k, x := range m {
					if strings.EqualFold(k, name) {
						fv, ok = x, true
						break
					}
				}
			}
			if !ok {
				continue
			}
			p := name
			if path != "" {
				p = path + "." + name
			}
			if bad := findBadBase64(fv, f.Type, p); bad != "" {
				return bad
			}
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			if s, ok := v.(string); ok {
				if _, err := base64.StdEncoding.DecodeString(s); err != nil {
					return path
				}
			}
			return ""
		}
		a, ok := v.([]any)
		if !ok {
			return ""
		}
		for i, x := range a {
			if bad := findBadBase64(x, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); bad != "" {
				return bad
			}
		}
	}
	return ""
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal server error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func itoa(n int) string { return strconv.Itoa(n) }

// queryUint reads an optional unsigned query parameter (def when absent).
func queryUint(r *http.Request, name string, def, max uint64) (uint64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > max || (s[0] == '0' && len(s) > 1) {
		return 0, errorf(http.StatusBadRequest, "query parameter %q must be a decimal number up to %d", name, max)
	}
	return n, nil
}
