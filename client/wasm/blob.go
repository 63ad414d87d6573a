//go:build js && wasm

package main

import (
	"errors"
	"io"
	"strings"
	"syscall/js"

	"github.com/lanterne/lanterne/client"
)

// blobSlice is how much of a browser File is copied into Go at a time: the
// upload pipeline reads in constant memory, and so does this reader.
const blobSlice = 1 << 20

// blobFile returns the client.File of a browser File (or Blob) f.
func blobFile(f js.Value) (client.File, error) {
	if f.Type() != js.TypeObject || f.Get("size").Type() != js.TypeNumber || f.Get("slice").Type() != js.TypeFunction {
		return client.File{}, errBadArgument
	}
	name := "fichier"
	if n := f.Get("name"); n.Type() == js.TypeString && n.String() != "" {
		name = n.String()
	}
	media := ""
	if t := f.Get("type"); t.Type() == js.TypeString {
		media = t.String()
	}
	size := int64(f.Get("size").Float())
	return client.File{
		Name:      cleanName(name),
		MediaType: media,
		Size:      size,
		Open: func() (io.ReadCloser, error) {
			return &blobReader{blob: f, size: size}, nil
		},
	}, nil
}

// cleanName keeps a file name's last path element (browsers give no path,
// but a name may still hold a slash or a backslash).
func cleanName(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	if s == "" || s == "." || s == ".." {
		return "fichier"
	}
	if len(s) > 255 {
		// Keep the extension, cut on a rune boundary.
		ext := ""
		if i := strings.LastIndexByte(s, '.'); i >= 0 && len(s)-i <= 16 {
			ext = s[i:]
		}
		s = strings.ToValidUTF8(s[:255-len(ext)], "")
		s = strings.TrimRight(s, "\ufffd") + ext
	}
	return s
}

// blobReader reads a JS Blob through Blob.slice().arrayBuffer().
type blobReader struct {
	blob js.Value
	size int64
	off  int64
	buf  []byte // read but not yet returned
}

func (r *blobReader) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		if r.off >= r.size {
			return 0, io.EOF
		}
		end := min(r.off+blobSlice, r.size)
		ab, err := await(r.blob.Call("slice", r.off, end).Call("arrayBuffer"))
		if err != nil {
			return 0, errors.Join(errors.New("lanterne: the file could not be read"), err)
		}
		u8 := js.Global().Get("Uint8Array").New(ab)
		n := u8.Get("length").Int()
		if n == 0 {
			return 0, io.ErrUnexpectedEOF // the file shrank while it was read
		}
		r.buf = make([]byte, n)
		js.CopyBytesToGo(r.buf, u8)
		r.off += int64(n)
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func (r *blobReader) Close() error { return nil }
