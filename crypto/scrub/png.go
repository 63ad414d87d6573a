package scrub

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// ErrNotPNG is returned when the input does not start with the PNG signature.
var ErrNotPNG = errors.New("scrub: not a PNG file")

// pngKeep lists the ancillary chunks kept: they change how the image is
// shown (colour, transparency, pixel size, animation) and carry no free text.
var pngKeep = map[string]bool{
	"cHRM": true, "gAMA": true, "iCCP": true, "sBIT": true, "sRGB": true, "cICP": true,
	"mDCv": true, "cLLi": true, "bKGD": true, "hIST": true, "tRNS": true, "pHYs": true,
	"sPLT": true, "acTL": true, "fcTL": true, "fdAT": true,
}

// PNG copies the PNG image read from src to dst without its metadata, chunk
// by chunk, in constant memory.
//
// Kept: the signature; every critical chunk (IHDR, PLTE, IDAT, IEND, and any
// other with an upper-case first letter, which decoders cannot skip); the
// ancillary chunks cHRM, gAMA, iCCP, sBIT, sRGB, cICP, mDCv, cLLi, bKGD, hIST,
// tRNS, pHYs, sPLT and the APNG chunks acTL, fcTL, fdAT. Kept chunks are
// copied byte for byte after their CRC is checked.
//
// Dropped: tEXt, zTXt, iTXt (comments, author, software, XMP, and the raw
// EXIF/IPTC profiles ImageMagick stores there), eXIf (EXIF, GPS), tIME,
// dSIG (a signature the scrubbing would break anyway, which names its
// signer), every other ancillary chunk (vendor data), and anything after
// IEND. Dropped chunks' CRCs are not checked.
//
// Refused: a wrong signature (ErrNotPNG); a first chunk other than IHDR, a
// chunk type that is not four ASCII letters, a length over 2^31-1, a CRC
// mismatch in a kept chunk, a file ending before IEND (ErrCorrupt).
func PNG(dst io.Writer, src io.Reader) (Report, error) {
	rep := Report{Type: TypePNG}
	r := bufio.NewReaderSize(src, 64*1024)
	w := bufio.NewWriterSize(dst, 32*1024)
	var sig [8]byte
	if _, err := io.ReadFull(r, sig[:]); err != nil || !bytes.Equal(sig[:], pngSignature) {
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return rep, fmt.Errorf("scrub: reading: %w", err)
		}
		return rep, ErrNotPNG
	}
	w.Write(sig[:])
	readErr := func(err error) error {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return corrupt("PNG file is truncated")
		}
		return fmt.Errorf("scrub: reading: %w", err)
	}
	var head [8]byte
	buf := make([]byte, maxInspect) // chunk data being copied or inspected
	for first := true; ; first = false {
		if _, err := io.ReadFull(r, head[:]); err != nil {
			return rep, readErr(err)
		}
		n := binary.BigEndian.Uint32(head[:4])
		typ := string(head[4:])
		if n > 1<<31-1 {
			return rep, corrupt("PNG chunk length over 2^31-1")
		}
		for _, c := range head[4:] {
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
				return rep, corrupt("PNG chunk type is not four letters")
			}
		}
		if first != (typ == "IHDR") {
			return rep, corrupt("PNG must start with exactly one IHDR chunk")
		}
		critical := head[4] >= 'A' && head[4] <= 'Z'
		if critical || pngKeep[typ] {
			crc := crc32.NewIEEE()
			crc.Write(head[4:])
			w.Write(head[:])
			for rest := int(n); rest > 0; {
				b := buf[:min(rest, len(buf))]
				if _, err := io.ReadFull(r, b); err != nil {
					return rep, readErr(err)
				}
				crc.Write(b)
				w.Write(b)
				rest -= len(b)
			}
			var sum [4]byte
			if _, err := io.ReadFull(r, sum[:]); err != nil {
				return rep, readErr(err)
			}
			if binary.BigEndian.Uint32(sum[:]) != crc.Sum32() {
				return rep, corrupt("PNG chunk CRC mismatch")
			}
			w.Write(sum[:])
			if typ == "IEND" {
				if _, err := r.Peek(1); err == nil {
					rep.add(ItemTrailer)
				}
				if err := w.Flush(); err != nil {
					return rep, fmt.Errorf("scrub: writing: %w", err)
				}
				return rep, nil
			}
			continue
		}
		// Dropped: look at the start of it for the report, skip the rest and the CRC.
		k := min(int(n), len(buf))
		if _, err := io.ReadFull(r, buf[:k]); err != nil {
			return rep, readErr(err)
		}
		if _, err := r.Discard(int(n) - k + 4); err != nil {
			return rep, readErr(err)
		}
		describePNGChunk(&rep, typ, buf[:k])
	}
}

// describePNGChunk adds to the report what a dropped chunk held.
func describePNGChunk(rep *Report, typ string, data []byte) {
	switch typ {
	case "eXIf":
		rep.add(ItemEXIF)
		gps, orientation := inspectTIFF(data)
		if gps {
			rep.add(ItemGPS)
		}
		if orientation != 0 && rep.Orientation == 0 {
			rep.Orientation = orientation
		}
	case "tIME":
		rep.add(ItemTime)
	case "tEXt", "zTXt", "iTXt":
		keyword, _, _ := bytes.Cut(data, []byte{0})
		switch string(keyword) {
		case "XML:com.adobe.xmp", "Raw profile type xmp":
			rep.add(ItemXMP)
		case "Raw profile type exif", "Raw profile type APP1":
			rep.add(ItemEXIF)
		case "Raw profile type iptc", "Raw profile type 8bim":
			rep.add(ItemIPTC)
		default:
			rep.add(ItemText)
		}
		if typ != "zTXt" && mentionsGPS(data) {
			rep.add(ItemGPS)
		}
	default:
		rep.add(ItemOther)
	}
}
