package pdfscrub

import (
	"bytes"
	"io"
	"slices"

	"github.com/lanterne/lanterne/crypto/scrub"
)

func addItem(rep *scrub.Report, it scrub.Item) {
	if !slices.Contains(rep.Removed, it) {
		rep.Removed = append(rep.Removed, it)
	}
}

func mentionsGPS(b []byte) bool {
	return bytes.Contains(b, []byte("GPSLatitude")) || bytes.Contains(b, []byte("GPSLongitude"))
}

// Scrub is scrub.Scrub with PDF support: a PDF is scrubbed by PDF, any
// other type is handed to scrub.Scrub.
func Scrub(dst io.Writer, src io.ReadSeeker, typ scrub.Type) (scrub.Report, error) {
	if typ == scrub.TypePDF {
		return PDF(dst, src)
	}
	return scrub.Scrub(dst, src, typ)
}
