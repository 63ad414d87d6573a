package scrub

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrNotJPEG is returned when the input does not start with a JPEG SOI marker.
var ErrNotJPEG = errors.New("scrub: not a JPEG file")

// ErrCorrupt is wrapped by the errors about malformed files.
var ErrCorrupt = errors.New("scrub: malformed file")

// JPEG copies the JPEG image read from src to dst without its metadata,
// segment by segment, in constant memory.
//
// Kept: SOI; APP0 "JFIF" (with its thumbnail, if any, cut off); APP2
// "ICC_PROFILE" (colour profile); APP14 "Adobe" (colour transform, needed for
// CMYK and some YCbCr files); every frame, table and scan marker (SOFn, DHT,
// DAC, DQT, DRI, DNL, DHP, EXP, SOS, JPEG-LS SOF55/LSE, TEM); the
// entropy-coded data of every scan, verbatim, with its restart markers; EOI.
// Fill bytes (extra 0xFF before a marker) and stray bytes between segments
// are dropped.
//
// Dropped: APP1 (EXIF, with its GPS position, camera, dates and thumbnail;
// XMP), APP13 (IPTC/Photoshop), COM, APP0 other than JFIF (JFXX thumbnail),
// APP2 other than ICC (multi-picture MPF, FlashPix), APP14 other than Adobe,
// APP3…APP12 and APP15 (vendor data, JPEG XT/JUMBF, C2PA), and everything
// after EOI (second pictures, motion-photo videos, vendor trailers).
//
// Dropping EXIF drops the orientation tag: the report's Orientation tells
// when the picture may now show rotated. Refused: anything not starting with
// SOI (ErrNotJPEG), truncated files and reserved markers (ErrCorrupt).
func JPEG(dst io.Writer, src io.Reader) (Report, error) {
	rep := Report{Type: TypeJPEG}
	j := &jpegScrubber{
		r:   bufio.NewReaderSize(src, 64*1024),
		w:   bufio.NewWriterSize(dst, 32*1024),
		rep: &rep,
	}
	if err := j.run(); err != nil {
		return rep, err
	}
	if err := j.w.Flush(); err != nil {
		return rep, fmt.Errorf("scrub: writing: %w", err)
	}
	return rep, nil
}

type jpegScrubber struct {
	r   *bufio.Reader
	w   *bufio.Writer
	rep *Report
	buf [65535]byte // one segment payload
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)
}

func (j *jpegScrubber) readErr(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return corrupt("JPEG file is truncated")
	}
	return fmt.Errorf("scrub: reading: %w", err)
}

func (j *jpegScrubber) run() error {
	var soi [2]byte
	if _, err := io.ReadFull(j.r, soi[:]); err != nil || soi != [2]byte{0xFF, 0xD8} {
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return fmt.Errorf("scrub: reading: %w", err)
		}
		return ErrNotJPEG
	}
	j.w.Write(soi[:])
	marker, err := j.nextMarker()
	for {
		if err != nil {
			return err
		}
		switch {
		case marker == 0xD9: // EOI
			j.w.WriteByte(0xFF)
			j.w.WriteByte(0xD9)
			if _, err := j.r.Peek(1); err == nil {
				j.rep.add(ItemTrailer)
			}
			return nil
		case marker == 0xD8:
			return corrupt("second SOI marker")
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD7: // TEM, stray RSTn: no payload
			j.w.WriteByte(0xFF)
			j.w.WriteByte(marker)
			marker, err = j.nextMarker()
		case marker == 0xDA: // SOS
			if err = j.copySegment(marker); err == nil {
				marker, err = j.copyScan()
			}
		case marker >= 0xE0 && marker <= 0xEF || marker == 0xFE:
			if err = j.metadataSegment(marker); err == nil {
				marker, err = j.nextMarker()
			}
		case isCodecMarker(marker):
			if err = j.copySegment(marker); err == nil {
				marker, err = j.nextMarker()
			}
		default:
			return corrupt("unsupported JPEG marker 0x%02X", marker)
		}
	}
}

// isCodecMarker reports the markers with a length that carry image data or
// coding tables: SOF0–SOF15 (C0–CF, including DHT C4, JPG C8, DAC CC),
// DQT DB, DNL DC, DRI DD, DHP DE, EXP DF, and JPEG-LS SOF55 F7 and LSE F8.
func isCodecMarker(m byte) bool {
	return m >= 0xC0 && m <= 0xCF && m != 0xC8 || m >= 0xDB && m <= 0xDF || m == 0xF7 || m == 0xF8
}

// nextMarker skips to the next marker and returns its code: stray bytes and
// fill bytes (0xFF) before it are dropped.
func (j *jpegScrubber) nextMarker() (byte, error) {
	for {
		c, err := j.r.ReadByte()
		if err != nil {
			return 0, j.readErr(err)
		}
		if c != 0xFF {
			continue // stray byte between segments
		}
		for c == 0xFF {
			if c, err = j.r.ReadByte(); err != nil {
				return 0, j.readErr(err)
			}
		}
		if c != 0x00 {
			return c, nil
		}
		// 0xFF00 outside a scan is not a marker: keep looking.
	}
}

// readLength reads a segment's length field and returns the payload length.
func (j *jpegScrubber) readLength() (int, error) {
	var l [2]byte
	if _, err := io.ReadFull(j.r, l[:]); err != nil {
		return 0, j.readErr(err)
	}
	n := int(binary.BigEndian.Uint16(l[:]))
	if n < 2 {
		return 0, corrupt("JPEG segment length %d", n)
	}
	return n - 2, nil
}

// copySegment copies a segment with a length field, unchanged.
func (j *jpegScrubber) copySegment(marker byte) error {
	n, err := j.readLength()
	if err != nil {
		return err
	}
	p := j.buf[:n]
	if _, err := io.ReadFull(j.r, p); err != nil {
		return j.readErr(err)
	}
	j.writeSegment(marker, p)
	return nil
}

func (j *jpegScrubber) writeSegment(marker byte, payload []byte) {
	n := len(payload) + 2
	j.w.WriteByte(0xFF)
	j.w.WriteByte(marker)
	j.w.WriteByte(byte(n >> 8))
	j.w.WriteByte(byte(n))
	j.w.Write(payload)
}

// metadataSegment keeps or drops an APPn or COM segment.
func (j *jpegScrubber) metadataSegment(marker byte) error {
	n, err := j.readLength()
	if err != nil {
		return err
	}
	p := j.buf[:n]
	if _, err := io.ReadFull(j.r, p); err != nil {
		return j.readErr(err)
	}
	switch {
	case marker == 0xE0 && bytes.HasPrefix(p, []byte("JFIF\x00")):
		if len(p) < 14 {
			return corrupt("short JFIF segment")
		}
		if len(p) > 14 || p[12] != 0 || p[13] != 0 {
			j.rep.add(ItemThumbnail)
			p = p[:14]
			p[12], p[13] = 0, 0 // no thumbnail
		}
		j.writeSegment(marker, p)
	case marker == 0xE0 && bytes.HasPrefix(p, []byte("JFXX\x00")):
		j.rep.add(ItemThumbnail)
	case marker == 0xE1 && bytes.HasPrefix(p, []byte("Exif\x00")):
		j.rep.add(ItemEXIF)
		gps, orientation := inspectTIFF(p[min(len(p), 6):])
		if gps {
			j.rep.add(ItemGPS)
		}
		if orientation != 0 && j.rep.Orientation == 0 {
			j.rep.Orientation = orientation
		}
	case marker == 0xE1 && bytes.HasPrefix(p, []byte("http://ns.adobe.com/")):
		j.rep.add(ItemXMP)
		if mentionsGPS(p) {
			j.rep.add(ItemGPS)
		}
	case marker == 0xE2 && bytes.HasPrefix(p, []byte("ICC_PROFILE\x00")):
		j.writeSegment(marker, p)
	case marker == 0xED && bytes.HasPrefix(p, []byte("Photoshop 3.0\x00")):
		j.rep.add(ItemIPTC)
	case marker == 0xEE && bytes.HasPrefix(p, []byte("Adobe")):
		j.writeSegment(marker, p)
	case marker == 0xFE:
		j.rep.add(ItemComment)
	default:
		j.rep.add(ItemOther)
	}
	return nil
}

// copyScan copies entropy-coded data verbatim up to the next marker other
// than a restart marker, and returns that marker. Stuffed bytes (FF 00) and
// restart markers (FF D0–D7) are part of the data; fill bytes are dropped.
func (j *jpegScrubber) copyScan() (byte, error) {
	for {
		chunk, err := j.r.ReadSlice(0xFF)
		if err == bufio.ErrBufferFull {
			j.w.Write(chunk)
			continue
		}
		if err != nil {
			return 0, j.readErr(err)
		}
		j.w.Write(chunk[:len(chunk)-1])
		c := byte(0xFF)
		for c == 0xFF {
			if c, err = j.r.ReadByte(); err != nil {
				return 0, j.readErr(err)
			}
		}
		if c == 0x00 || c >= 0xD0 && c <= 0xD7 {
			j.w.WriteByte(0xFF)
			j.w.WriteByte(c)
			continue
		}
		return c, nil
	}
}
