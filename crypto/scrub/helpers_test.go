package scrub_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// segment is one JPEG marker segment as a test-local parser sees it.
type segment struct {
	marker  byte
	payload []byte
}

// jpegSegments walks a JPEG independently of the scrubber: every marker
// segment in order, entropy-coded data skipped. ok is false if the walk did
// not reach EOI cleanly.
func jpegSegments(b []byte) (segs []segment, ok bool) {
	if !bytes.HasPrefix(b, []byte{0xFF, 0xD8}) {
		return nil, false
	}
	i := 2
	for i+1 < len(b) {
		if b[i] != 0xFF {
			return segs, false
		}
		m := b[i+1]
		i += 2
		switch {
		case m == 0xD9:
			segs = append(segs, segment{marker: m})
			return segs, i == len(b)
		case m == 0x01 || m >= 0xD0 && m <= 0xD7:
			segs = append(segs, segment{marker: m})
			continue
		}
		if i+2 > len(b) {
			return segs, false
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 || i+n > len(b) {
			return segs, false
		}
		segs = append(segs, segment{m, b[i+2 : i+n]})
		i += n
		if m == 0xDA { // skip entropy-coded data
			for i+1 < len(b) && !(b[i] == 0xFF && b[i+1] != 0 && (b[i+1] < 0xD0 || b[i+1] > 0xD7)) {
				i++
			}
		}
	}
	return segs, false
}

// pngChunks lists the chunk types of a PNG (nil if malformed).
func pngChunks(b []byte) []string {
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		return nil
	}
	var out []string
	for i := 8; i+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		out = append(out, string(b[i+4:i+8]))
		i += 12 + n
	}
	return out
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// samePixels decodes both images and compares every pixel.
func samePixels(t testing.TB, a, b []byte, decode func([]byte) (image.Image, error)) {
	t.Helper()
	ia, err := decode(a)
	if err != nil {
		t.Fatalf("original does not decode: %v", err)
	}
	ib, err := decode(b)
	if err != nil {
		t.Fatalf("scrubbed image does not decode: %v", err)
	}
	if ia.Bounds() != ib.Bounds() {
		t.Fatalf("bounds %v became %v", ia.Bounds(), ib.Bounds())
	}
	r := ia.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, a1 := ia.At(x, y).RGBA()
			r2, g2, b2, a2 := ib.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				t.Fatalf("pixel (%d,%d) changed", x, y)
			}
		}
	}
}

func decodeJPEG(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }
func decodePNG(b []byte) (image.Image, error)  { return png.Decode(bytes.NewReader(b)) }

// exiftoolTags runs exiftool on b and returns the group:tag names it reports,
// or nil when exiftool is not installed (the test then only logs, except
// under CI=true, where the CI script installs libimage-exiftool-perl).
func exiftoolTags(t *testing.T, b []byte, ext string) map[string]any {
	t.Helper()
	path, err := exec.LookPath("exiftool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("exiftool is missing under CI (apt-get install libimage-exiftool-perl)")
		}
		t.Log("exiftool not installed: skipping the exiftool cross-check")
		return nil
	}
	f := filepath.Join(t.TempDir(), "out."+ext)
	if err := os.WriteFile(f, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(path, "-j", "-a", "-G1", "-struct", f).Output()
	if err != nil {
		t.Fatalf("exiftool: %v", err)
	}
	var res []map[string]any
	if err := json.Unmarshal(out, &res); err != nil || len(res) != 1 {
		t.Fatalf("exiftool output: %v", err)
	}
	return res[0]
}

// assertNoMetadataTags fails if exiftool sees identifying tags.
func assertNoMetadataTags(t *testing.T, tags map[string]any) {
	t.Helper()
	for k, v := range tags {
		group, name, _ := strings.Cut(k, ":")
		switch {
		case strings.Contains(name, "GPS"),
			group == "IFD0" || group == "ExifIFD" || group == "GPS" || group == "IPTC" || strings.HasPrefix(group, "XMP"),
			name == "Author" || name == "Artist" || name == "Creator" || name == "Comment" || name == "Model" || name == "Make" ||
				name == "ModifyDate" || name == "Title" || name == "Producer" && group != "PDF" || name == "Software":
			t.Errorf("exiftool still finds %s = %v", k, v)
		}
	}
}
