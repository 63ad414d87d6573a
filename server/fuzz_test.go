package server

import (
	"errors"
	"net/http"
	"testing"

	"github.com/lanterne/lanterne/server/api"
)

// FuzzDecode feeds untrusted bytes to the strict JSON decoder of request
// bodies: it never panics, and refuses with a 400 that names no more than a
// field.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"lookup_id":"00","auth_hash":"AAAA","wraps":[{"reader":"alice","ciphertext":"***"}]}`))
	f.Add([]byte(`{"wraps":[{},{"ciphertext":"YWdl"}],"files":[{"file_id":"00","max_ciphertext_size":-1}]}`))
	f.Add([]byte(`{"invitation":{"lookup_id":"x","auth_secret":"!"}} {}`))
	f.Add([]byte(`{"Report":"YWdl","unknown":1}`))
	f.Add([]byte(`[{"a":1}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, dst := range []any{&api.NewCase{}, &api.AddWraps{}, &api.SetStatus{}} {
			err := decodeBytes(b, dst)
			if err == nil {
				continue
			}
			var ae *apiError
			if !errors.As(err, &ae) || ae.status != http.StatusBadRequest {
				t.Fatalf("decode error %v is not a 400", err)
			}
		}
	})
}
