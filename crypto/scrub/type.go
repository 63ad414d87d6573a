package scrub

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Type is a file type, named by its media type.
type Type string

const (
	TypeJPEG  Type = "image/jpeg"
	TypePNG   Type = "image/png"
	TypePDF   Type = "application/pdf"
	TypeOther Type = "application/octet-stream"
)

// HeadSize is how many leading bytes Detect needs to see.
const HeadSize = 1024

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// Detect names a file's type from its first bytes (up to HeadSize; fewer
// only for a shorter file), by magic numbers, never by file name.
func Detect(head []byte) Type {
	switch {
	case len(head) >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF:
		return TypeJPEG
	case bytes.HasPrefix(head, pngSignature):
		return TypePNG
	case bytes.Contains(head[:min(len(head), HeadSize)], []byte("%PDF-")):
		// PDF readers accept the header anywhere in the first 1024 bytes.
		return TypePDF
	}
	return TypeOther
}

// ErrPDF is returned by Scrub for a PDF: PDFs are scrubbed by the
// sub-package pdfscrub, kept apart for the size of a browser build.
var ErrPDF = errors.New("scrub: PDF files are scrubbed by package pdfscrub")

// Scrub copies src to dst without its metadata, according to typ (usually
// from Detect). JPEG and PNG are scrubbed; a PDF returns ErrPDF and writes
// nothing; any other type is copied unchanged with Report.Unscrubbed set.
func Scrub(dst io.Writer, src io.Reader, typ Type) (Report, error) {
	switch typ {
	case TypeJPEG:
		return JPEG(dst, src)
	case TypePNG:
		return PNG(dst, src)
	case TypePDF:
		return Report{Type: TypePDF}, ErrPDF
	}
	if _, err := io.Copy(dst, src); err != nil {
		return Report{}, fmt.Errorf("scrub: copying: %w", err)
	}
	return Report{Type: typ, Unscrubbed: true}, nil
}
