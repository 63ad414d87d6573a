package pdfscrub

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/lanterne/lanterne/crypto/scrub"
)

// MaxSize is the largest PDF accepted, in bytes: pdfcpu holds the parsed
// document in memory, and a browser tab has little of it.
const MaxSize = 200 << 20

var (
	ErrTooLarge  = errors.New("pdfscrub: PDF larger than 200 MiB")
	ErrEncrypted = errors.New("pdfscrub: encrypted PDF cannot be scrubbed")
	ErrNotPDF    = errors.New("pdfscrub: not a readable PDF file")
)

// config is pdfcpu's default configuration without its configuration
// directory (model.NewDefaultConfiguration would create one in the user's
// home), without network access and without a clock read.
func config() *model.Configuration {
	return &model.Configuration{
		Version:                   model.VersionStr,
		Reader15:                  true,
		ValidationMode:            model.ValidationRelaxed,
		UnsupportedResourcePolicy: model.UnsupportedResourceSkip,
		Eol:                       types.EolLF,
		WriteObjectStream:         true,
		WriteXRefStream:           true,
		EncryptUsingAES:           true,
		EncryptKeyLength:          256,
		Optimize:                  true,
		OptimizeBeforeWriting:     true,
		OptimizeResourceDicts:     true,
		Offline:                   true,
		Limits:                    model.DefaultResourceLimits(),
	}
}

// PDF writes to dst the PDF read from src without its document metadata
// (see the package documentation), and reports what it removed: ItemInfo,
// ItemXMP, ItemGPS (an XMP packet naming GPS fields) and ItemOther
// (PieceInfo).
func PDF(dst io.Writer, src io.ReadSeeker) (rep scrub.Report, err error) {
	rep = scrub.Report{Type: scrub.TypePDF}
	size, err := src.Seek(0, io.SeekEnd)
	if err != nil {
		return rep, fmt.Errorf("pdfscrub: reading: %w", err)
	}
	if size > MaxSize {
		return rep, ErrTooLarge
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return rep, fmt.Errorf("pdfscrub: reading: %w", err)
	}
	defer func() {
		// pdfcpu is large and parses untrusted input: never let a panic in it
		// take the page down.
		if r := recover(); r != nil {
			err = ErrNotPDF
		}
	}()
	conf := config()
	ctx, err := pdfcpu.Read(src, conf)
	if err == nil {
		err = ctx.EnsurePageCount()
	}
	if err != nil {
		if isEncryptionError(err) {
			return rep, ErrEncrypted
		}
		return rep, fmt.Errorf("%w: %v", ErrNotPDF, err)
	}
	if ctx.Encrypt != nil || ctx.E != nil {
		return rep, ErrEncrypted
	}
	if err := strip(ctx, &rep); err != nil {
		return rep, err
	}
	w := bufio.NewWriter(dst)
	ctx.Write.Writer = w
	if err := pdfcpu.WriteContext(ctx); err != nil {
		return rep, fmt.Errorf("pdfscrub: writing: %w", err)
	}
	if err := w.Flush(); err != nil {
		return rep, fmt.Errorf("pdfscrub: writing: %w", err)
	}
	return rep, nil
}

func isEncryptionError(err error) bool {
	for _, e := range []error{pdfcpu.ErrWrongPassword, pdfcpu.ErrUnsupportedEncryptionFeature} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// strip removes the metadata from the parsed document.
func strip(ctx *model.Context, rep *scrub.Report) error {
	x := ctx.XRefTable
	if x.Info != nil {
		if d, err := x.DereferenceDict(*x.Info); err == nil && len(d) > 0 {
			addItem(rep, scrub.ItemInfo)
		}
		x.Info = nil
	}
	x.ID = nil
	root, err := x.Catalog()
	if err != nil {
		return fmt.Errorf("%w: no catalog", ErrNotPDF)
	}
	dropEntries(x, root, rep)
	for i := 1; i <= x.PageCount; i++ {
		d, _, _, err := x.PageDict(i, false)
		if err != nil {
			return fmt.Errorf("%w: page %d: %v", ErrNotPDF, i, err)
		}
		dropEntries(x, d, rep)
	}
	return nil
}

// dropEntries deletes a dictionary's Metadata and PieceInfo entries.
func dropEntries(x *model.XRefTable, d types.Dict, rep *scrub.Report) {
	if o, ok := d.Find("Metadata"); ok {
		addItem(rep, scrub.ItemXMP)
		if sd, _, err := x.DereferenceStreamDict(o); err == nil && sd != nil {
			if err := sd.Decode(); err == nil && mentionsGPS(sd.Content) {
				addItem(rep, scrub.ItemGPS)
			}
		}
		d.Delete("Metadata")
	}
	if _, ok := d.Find("PieceInfo"); ok {
		addItem(rep, scrub.ItemOther)
		d.Delete("PieceInfo")
	}
}
