package scrub_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"slices"
	"testing"

	"github.com/lanterne/lanterne/crypto/scrub"
)

func scrubPNG(t testing.TB, in []byte) ([]byte, scrub.Report) {
	t.Helper()
	var out bytes.Buffer
	rep, err := scrub.PNG(&out, bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), rep
}

func TestPNGTestdata(t *testing.T) {
	in := readTestdata(t, "meta.png")
	if !bytes.Contains(in, []byte("Camille Rapporteur")) {
		t.Fatal("test file lacks its metadata")
	}
	out, rep := scrubPNG(t, in)
	want := []scrub.Item{scrub.ItemText, scrub.ItemTime, scrub.ItemXMP, scrub.ItemGPS, scrub.ItemEXIF}
	if !slices.Equal(rep.Removed, want) || rep.Orientation != 3 || rep.Type != scrub.TypePNG {
		t.Errorf("report %+v, want removed %v orientation 3", rep, want)
	}
	if got := pngChunks(out); !slices.Equal(got, []string{"IHDR", "gAMA", "cHRM", "bKGD", "IDAT", "IEND"}) {
		t.Errorf("chunks %v", got)
	}
	for _, s := range append(secrets, "Lanterne Test Suite", "GPS") {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("output still contains %q", s)
		}
	}
	samePixels(t, in, out, decodePNG)
	// base.png, before exiftool (testdata/README.txt), comes back byte for byte.
	if got := fmt.Sprintf("%x", sha256.Sum256(out)); got != "cf0206c92b0d9bc238075a313db8e27f4bdfb928b5522bf715b4d5069c81ffcd" {
		t.Errorf("scrubbed meta.png has SHA-256 %s, want base.png's", got)
	}
	again, rep2 := scrubPNG(t, out)
	if !bytes.Equal(again, out) || len(rep2.Removed) != 0 {
		t.Errorf("second scrub changed the file or removed %v", rep2.Removed)
	}
	if tags := exiftoolTags(t, out, "png"); tags != nil {
		assertNoMetadataTags(t, tags)
		if tags["PNG:ImageWidth"] == nil {
			t.Error("exiftool does not see an image")
		}
	}
}

func basePNG(t testing.TB) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 20, 10))
	for y := range 10 {
		for x := range 20 {
			img.Set(x, y, color.NRGBA{uint8(x * 12), uint8(y * 25), 7, uint8(100 + x)})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngChunk(typ, data string) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE([]byte(typ+data)))
}

// afterIHDR inserts chunks after the IHDR chunk (8 + 25 bytes).
func afterIHDR(base []byte, chunks ...[]byte) []byte {
	out := bytes.Clone(base[:33])
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, base[33:]...)
}

func TestPNGChunks(t *testing.T) {
	base := basePNG(t)
	tiff := "MM\x00*\x00\x00\x00\x08\x00\x01\x88\x25\x00\x04\x00\x00\x00\x01\x00\x00\x00\x1a\x00\x00\x00\x00\x00\x01\x00\x02\x00\x02\x00\x00\x00\x02N\x00\x00\x00"
	tests := []struct {
		name    string
		in      []byte
		removed []scrub.Item
		keep    []byte
		dropped string
	}{
		{"nothing to remove", base, nil, nil, ""},
		{"colour chunks kept", afterIHDR(base, pngChunk("sRGB", "\x00"), pngChunk("pHYs", "\x00\x00\x0b\x13\x00\x00\x0b\x13\x01")), nil, pngChunk("pHYs", "\x00\x00\x0b\x13\x00\x00\x0b\x13\x01"), ""},
		{"zTXt dropped", afterIHDR(base, pngChunk("zTXt", "Author\x00\x00compressed-name")), []scrub.Item{scrub.ItemText}, nil, "compressed-name"},
		{"ImageMagick raw EXIF profile", afterIHDR(base, pngChunk("zTXt", "Raw profile type exif\x00\x00zzz")), []scrub.Item{scrub.ItemEXIF}, nil, "Raw profile"},
		{"text with GPS", afterIHDR(base, pngChunk("tEXt", "exif:GPSLatitude\x0048/1, 51/1")), []scrub.Item{scrub.ItemText, scrub.ItemGPS}, nil, "GPSLatitude"},
		{"eXIf with GPS IFD", afterIHDR(base, pngChunk("eXIf", tiff)), []scrub.Item{scrub.ItemEXIF, scrub.ItemGPS}, nil, "MM\x00*"},
		{"dSIG dropped", afterIHDR(base, pngChunk("dSIG", "signature by Camille")), []scrub.Item{scrub.ItemOther}, nil, "Camille"},
		{"private chunk dropped", afterIHDR(base, pngChunk("prVt", "vendor data")), []scrub.Item{scrub.ItemOther}, nil, "vendor data"},
		{"bad CRC in a dropped chunk is ignored", afterIHDR(base, append(pngChunk("tEXt", "a\x00b")[:11], 0, 0, 0, 0)), []scrub.Item{scrub.ItemText}, nil, ""},
		{"data after IEND dropped", append(bytes.Clone(base), "hidden trailer"...), []scrub.Item{scrub.ItemTrailer}, nil, "hidden trailer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, rep := scrubPNG(t, tc.in)
			if !slices.Equal(rep.Removed, tc.removed) {
				t.Errorf("removed %v, want %v", rep.Removed, tc.removed)
			}
			if tc.keep != nil && !bytes.Contains(out, tc.keep) {
				t.Error("a chunk that should be kept is missing or altered")
			}
			if tc.dropped != "" && bytes.Contains(out, []byte(tc.dropped)) {
				t.Errorf("output still contains %q", tc.dropped)
			}
			samePixels(t, base, out, decodePNG)
		})
	}
}

func TestPNGRefuses(t *testing.T) {
	base := basePNG(t)
	badCRC := bytes.Clone(base)
	badCRC[len(badCRC)-13] ^= 1 // last byte of the IDAT CRC
	badType := bytes.Clone(base)
	badType[12+4+25] = '1' // type of the chunk after IHDR
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, scrub.ErrNotPNG},
		{"JPEG", readTestdata(t, "gps.jpg"), scrub.ErrNotPNG},
		{"CRC mismatch in IDAT", badCRC, scrub.ErrCorrupt},
		{"no IEND", base[:len(base)-12], scrub.ErrCorrupt},
		{"truncated IDAT", base[:60], scrub.ErrCorrupt},
		{"first chunk not IHDR", append(append(bytes.Clone(base[:8]), pngChunk("gAMA", "\x00\x00\xb1\x8f")...), base[8:]...), scrub.ErrCorrupt},
		{"second IHDR", afterIHDR(base, base[8:33]), scrub.ErrCorrupt},
		{"chunk type not letters", badType, scrub.ErrCorrupt},
		{"length over 2^31-1", afterIHDR(base, []byte("\x80\x00\x00\x00tEXt")), scrub.ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scrub.PNG(&bytes.Buffer{}, bytes.NewReader(tc.in))
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func FuzzPNG(f *testing.F) {
	f.Add(readTestdata(f, "meta.png"))
	f.Add(basePNG(f))
	f.Add(afterIHDR(basePNG(f), pngChunk("eXIf", "II*\x00\x08\x00\x00\x00"), pngChunk("tIME", "\x07\xe8\x03\x05\x0e\x1e\x00")))
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		rep, err := scrub.PNG(&out, bytes.NewReader(in))
		if err != nil {
			return
		}
		chunks := pngChunks(out.Bytes())
		if len(chunks) < 2 || chunks[0] != "IHDR" || chunks[len(chunks)-1] != "IEND" {
			t.Fatalf("output chunks %v", chunks)
		}
		for _, c := range chunks {
			switch c {
			case "eXIf", "tEXt", "zTXt", "iTXt", "tIME", "dSIG":
				t.Fatalf("output has a %s chunk", c)
			}
		}
		again, err := scrub.PNG(&bytes.Buffer{}, bytes.NewReader(out.Bytes()))
		if err != nil || len(again.Removed) != 0 {
			t.Fatalf("scrubbed output: err %v, removed %v (first pass removed %v)", err, again.Removed, rep.Removed)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(in))
		if err != nil || cfg.Width*cfg.Height > 1<<16 {
			return
		}
		if _, err := png.Decode(bytes.NewReader(in)); err == nil {
			samePixels(t, in, out.Bytes(), decodePNG)
		}
	})
}
