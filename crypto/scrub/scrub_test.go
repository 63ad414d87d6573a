package scrub_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/lanterne/lanterne/crypto/scrub"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		head []byte
		want scrub.Type
	}{
		{"jpeg", readTestdata(t, "gps.jpg"), scrub.TypeJPEG},
		{"png", readTestdata(t, "meta.png"), scrub.TypePNG},
		{"pdf", readTestdata(t, "meta.pdf"), scrub.TypePDF},
		{"pdf after a preamble", append(bytes.Repeat([]byte{' '}, 900), "%PDF-1.7"...), scrub.TypePDF},
		{"pdf header too far", append(bytes.Repeat([]byte{' '}, 1100), "%PDF-1.7"...), scrub.TypeOther},
		{"text", []byte("hello"), scrub.TypeOther},
		{"two JPEG bytes", []byte{0xFF, 0xD8}, scrub.TypeOther},
		{"png signature cut", []byte("\x89PNG\r\n"), scrub.TypeOther},
		{"empty", nil, scrub.TypeOther},
	}
	for _, tc := range tests {
		if got := scrub.Detect(tc.head); got != tc.want {
			t.Errorf("%s: Detect = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestScrubDispatch(t *testing.T) {
	jpg := readTestdata(t, "gps.jpg")
	var out bytes.Buffer
	rep, err := scrub.Scrub(&out, bytes.NewReader(jpg), scrub.Detect(jpg))
	if err != nil || !rep.Has(scrub.ItemGPS) || bytes.Contains(out.Bytes(), []byte("Camille")) {
		t.Errorf("JPEG: %v, %+v", err, rep)
	}

	out.Reset()
	doc := []byte("PK\x03\x04 an office document by Camille")
	rep, err = scrub.Scrub(&out, bytes.NewReader(doc), scrub.Detect(doc))
	if err != nil || !rep.Unscrubbed || rep.Type != scrub.TypeOther || !bytes.Equal(out.Bytes(), doc) {
		t.Errorf("other type: %v, %+v, copied unchanged %v", err, rep, bytes.Equal(out.Bytes(), doc))
	}

	out.Reset()
	pdf := readTestdata(t, "meta.pdf")
	if _, err := scrub.Scrub(&out, bytes.NewReader(pdf), scrub.TypePDF); !errors.Is(err, scrub.ErrPDF) || out.Len() != 0 {
		t.Errorf("PDF: %v, %d bytes written", err, out.Len())
	}
}

func Example() {
	// A photo with a GPS position in its EXIF block.
	photo, _ := os.ReadFile("testdata/gps.jpg")
	var clean bytes.Buffer
	rep, err := scrub.Scrub(&clean, bytes.NewReader(photo), scrub.Detect(photo))
	if err != nil {
		panic(err)
	}
	fmt.Println("type:", rep.Type)
	fmt.Println("removed:", rep.Removed)
	fmt.Println("GPS position removed:", rep.Has(scrub.ItemGPS))
	fmt.Println("may now show rotated:", rep.Orientation != 0)
	// Output:
	// type: image/jpeg
	// removed: [exif gps iptc xmp comment]
	// GPS position removed: true
	// may now show rotated: true
}

// noisy returns an encoded w×h image of pseudo-random pixels, close to a
// camera photo's compressed size per pixel.
func noisy(w, h int, enc func(*bytes.Buffer, image.Image)) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x + r.IntN(40)), uint8(y + r.IntN(40)), uint8(r.IntN(255)), 255})
		}
	}
	var b bytes.Buffer
	enc(&b, img)
	return b.Bytes()
}

func BenchmarkJPEG(b *testing.B) {
	photo := noisy(1600, 1200, func(w *bytes.Buffer, m image.Image) { jpeg.Encode(w, m, &jpeg.Options{Quality: 90}) })
	// The photo with the metadata segments of gps.jpg (EXIF, XMP, IPTC, comment).
	segs, _ := jpegSegments(readTestdata(b, "gps.jpg"))
	in := []byte{0xFF, 0xD8}
	for _, s := range segs {
		if s.marker == 0xE1 || s.marker == 0xED || s.marker == 0xFE {
			in = append(in, seg(s.marker, string(s.payload))...)
		}
	}
	in = append(in, photo[2:]...)
	bench(b, in, scrub.JPEG)
}

func BenchmarkPNG(b *testing.B) {
	in := noisy(800, 600, func(w *bytes.Buffer, m image.Image) { png.Encode(w, m) })
	bench(b, in, scrub.PNG)
}

func bench(b *testing.B, in []byte, f func(dst io.Writer, src io.Reader) (scrub.Report, error)) {
	var out bytes.Buffer
	out.Grow(len(in))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		if _, err := f(&out, bytes.NewReader(in)); err != nil {
			b.Fatal(err)
		}
	}
}
