package scrub_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"slices"
	"testing"

	"github.com/lanterne/lanterne/crypto/scrub"
)

// identifying strings present in the test files' metadata (see testdata/README.txt).
var secrets = []string{"Camille Rapporteur", "TestCam 3000", "secret comment", "Exif\x00\x00", "http://ns.adobe.com/", "Photoshop 3.0", "2024:03:05"}

// gpsJPEGScrubbed is the SHA-256 of base.jpg, the file ImageMagick wrote before
// exiftool added metadata to it (testdata/README.txt): scrubbing gps.jpg gives
// it back byte for byte.
const gpsJPEGScrubbed = "dd18029a964e895d8b473410fc7719bc6ff91f73347bfbf0eb0f85d53f662fc6"

func scrubJPEG(t testing.TB, in []byte) ([]byte, scrub.Report) {
	t.Helper()
	var out bytes.Buffer
	rep, err := scrub.JPEG(&out, bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), rep
}

func TestJPEGTestdata(t *testing.T) {
	tests := []struct {
		file        string
		removed     []scrub.Item
		orientation int
	}{
		{"gps.jpg", []scrub.Item{scrub.ItemEXIF, scrub.ItemGPS, scrub.ItemXMP, scrub.ItemIPTC, scrub.ItemComment}, 6},
		{"progressive.jpg", []scrub.Item{scrub.ItemEXIF, scrub.ItemGPS, scrub.ItemXMP, scrub.ItemIPTC, scrub.ItemComment}, 6},
		{"restart.jpg", []scrub.Item{scrub.ItemEXIF, scrub.ItemGPS, scrub.ItemXMP, scrub.ItemIPTC, scrub.ItemComment}, 6},
		{"cmyk.jpg", []scrub.Item{scrub.ItemEXIF, scrub.ItemGPS}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			in := readTestdata(t, tc.file)
			if !bytes.Contains(in, []byte("Camille Rapporteur")) {
				t.Fatal("test file lacks its metadata")
			}
			out, rep := scrubJPEG(t, in)
			got := slices.Clone(rep.Removed)
			slices.Sort(got)
			want := slices.Clone(tc.removed)
			slices.Sort(want)
			if !slices.Equal(got, want) || rep.Orientation != tc.orientation || rep.Type != scrub.TypeJPEG || rep.Unscrubbed {
				t.Errorf("report %+v, want removed %v orientation %d", rep, tc.removed, tc.orientation)
			}
			for _, s := range secrets {
				if bytes.Contains(out, []byte(s)) {
					t.Errorf("output still contains %q", s)
				}
			}
			segs, ok := jpegSegments(out)
			if !ok {
				t.Fatal("output is not a well-formed JPEG")
			}
			for _, s := range segs {
				if s.marker >= 0xE1 && s.marker <= 0xEF && s.marker != 0xEE || s.marker == 0xFE {
					t.Errorf("output has segment FF%02X", s.marker)
				}
			}
			if tc.file == "cmyk.jpg" && !slices.ContainsFunc(segs, func(s segment) bool { return s.marker == 0xEE }) {
				t.Error("the Adobe APP14 segment of a CMYK JPEG was dropped")
			}
			samePixels(t, in, out, decodeJPEG)
			if tc.file == "gps.jpg" && fmt.Sprintf("%x", sha256.Sum256(out)) != gpsJPEGScrubbed {
				t.Errorf("scrubbed gps.jpg has SHA-256 %x, want the ImageMagick original's", sha256.Sum256(out))
			}
			// Scrubbing is idempotent.
			again, rep2 := scrubJPEG(t, out)
			if !bytes.Equal(again, out) || len(rep2.Removed) != 0 {
				t.Errorf("second scrub changed the file or removed %v", rep2.Removed)
			}
			if tags := exiftoolTags(t, out, "jpg"); tags != nil {
				assertNoMetadataTags(t, tags)
				if tags["File:ImageWidth"] == nil {
					t.Error("exiftool does not see an image")
				}
			}
		})
	}
}

// baseJPEG is a small JPEG from Go's encoder: SOI, DQT, SOF0, DHT, SOS… EOI.
func baseJPEG(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 40, 24))
	for y := range 24 {
		for x := range 40 {
			img.Set(x, y, color.RGBA{uint8(x * 6), uint8(y * 10), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func seg(marker byte, payload string) []byte {
	n := len(payload) + 2
	return append([]byte{0xFF, marker, byte(n >> 8), byte(n)}, payload...)
}

// insert puts segments right after SOI.
func insert(base []byte, segs ...[]byte) []byte {
	out := append([]byte{}, base[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, base[2:]...)
}

func TestJPEGSegments(t *testing.T) {
	base := baseJPEG(t)
	jfifThumb := "JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x02\x01" + "RGBRGB"
	icc := "ICC_PROFILE\x00\x01\x01" + "fake profile bytes"
	tests := []struct {
		name     string
		in       []byte
		removed  []scrub.Item
		keep     []byte // must appear in output
		dropped  string // must not appear in output
		trailing bool
	}{
		{"nothing to remove", base, nil, nil, "", false},
		{"ICC profile kept", insert(base, seg(0xE2, icc)), nil, seg(0xE2, icc), "", false},
		{"Adobe APP14 kept", insert(base, seg(0xEE, "Adobe\x00\x64\x00\x00\x00\x00\x01")), nil, seg(0xEE, "Adobe\x00\x64\x00\x00\x00\x00\x01"), "", false},
		{"JFIF thumbnail cut", insert(base, seg(0xE0, jfifThumb)), []scrub.Item{scrub.ItemThumbnail}, seg(0xE0, "JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00"), "RGBRGB", false},
		{"JFXX thumbnail dropped", insert(base, seg(0xE0, "JFXX\x00\x10thumbdata")), []scrub.Item{scrub.ItemThumbnail}, nil, "thumbdata", false},
		{"MPF dropped", insert(base, seg(0xE2, "MPF\x00secondimage")), []scrub.Item{scrub.ItemOther}, nil, "secondimage", false},
		{"C2PA APP11 dropped", insert(base, seg(0xEB, "JP\x00\x01c2pa manifest")), []scrub.Item{scrub.ItemOther}, nil, "c2pa", false},
		{"XMP with GPS", insert(base, seg(0xE1, "http://ns.adobe.com/xap/1.0/\x00<exif:GPSLatitude>48,51N</exif:GPSLatitude>")), []scrub.Item{scrub.ItemXMP, scrub.ItemGPS}, nil, "GPSLatitude", false},
		{"comment dropped", insert(base, seg(0xFE, "taken at home")), []scrub.Item{scrub.ItemComment}, nil, "taken at home", false},
		{"motion photo video after EOI", append(bytes.Clone(base), []byte("\x00\x00\x00\x18ftypmp42 video of the scene")...), []scrub.Item{scrub.ItemTrailer}, nil, "ftypmp42", true},
		{"fill bytes and stray bytes", insert(base, []byte("junk\xFF\xFF"), seg(0xFE, "x")), []scrub.Item{scrub.ItemComment}, nil, "junk", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, rep := scrubJPEG(t, tc.in)
			if !slices.Equal(rep.Removed, tc.removed) {
				t.Errorf("removed %v, want %v", rep.Removed, tc.removed)
			}
			if tc.keep != nil && !bytes.Contains(out, tc.keep) {
				t.Error("a segment that should be kept is missing or altered")
			}
			if tc.dropped != "" && bytes.Contains(out, []byte(tc.dropped)) {
				t.Errorf("output still contains %q", tc.dropped)
			}
			if !bytes.HasSuffix(out, []byte{0xFF, 0xD9}) {
				t.Error("output does not end with EOI")
			}
			if _, ok := jpegSegments(out); !ok {
				t.Error("output is not a well-formed JPEG")
			}
			samePixels(t, base, out, decodeJPEG)
		})
	}
}

func TestJPEGRefuses(t *testing.T) {
	base := baseJPEG(t)
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, scrub.ErrNotJPEG},
		{"PNG", readTestdata(t, "meta.png"), scrub.ErrNotJPEG},
		{"one byte", []byte{0xFF}, scrub.ErrNotJPEG},
		{"truncated in a scan", base[:len(base)-40], scrub.ErrCorrupt},
		{"truncated in a segment", base[:30], scrub.ErrCorrupt},
		{"no EOI", base[:len(base)-2], scrub.ErrCorrupt},
		{"reserved marker", insert(base, seg(0xF0, "x")), scrub.ErrCorrupt},
		{"segment length 1", insert(base, []byte{0xFF, 0xE1, 0x00, 0x01}), scrub.ErrCorrupt},
		{"second SOI", insert(base, []byte{0xFF, 0xD8}), scrub.ErrCorrupt},
		{"short JFIF", insert(base, seg(0xE0, "JFIF\x00")), scrub.ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scrub.JPEG(&bytes.Buffer{}, bytes.NewReader(tc.in))
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func FuzzJPEG(f *testing.F) {
	for _, name := range []string{"gps.jpg", "progressive.jpg", "restart.jpg", "cmyk.jpg"} {
		f.Add(readTestdata(f, name))
	}
	f.Add(baseJPEG(f))
	f.Add(insert(baseJPEG(f), seg(0xE0, "JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x01\x01RGB"), seg(0xE2, "ICC_PROFILE\x00\x01\x01x")))
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		rep, err := scrub.JPEG(&out, bytes.NewReader(in))
		if err != nil {
			return
		}
		segs, ok := jpegSegments(out.Bytes())
		if !ok {
			t.Fatal("output is not a well-formed JPEG")
		}
		for _, s := range segs {
			if s.marker == 0xE1 || s.marker == 0xED || s.marker == 0xFE {
				t.Fatalf("output has segment FF%02X", s.marker)
			}
		}
		again, err := scrub.JPEG(&bytes.Buffer{}, bytes.NewReader(out.Bytes()))
		if err != nil || len(again.Removed) != 0 {
			t.Fatalf("scrubbed output: err %v, removed %v (first pass removed %v)", err, again.Removed, rep.Removed)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(in))
		if err != nil || cfg.Width*cfg.Height > 1<<16 {
			return
		}
		if _, err := jpeg.Decode(bytes.NewReader(in)); err == nil {
			samePixels(t, in, out.Bytes(), decodeJPEG)
		}
	})
}
