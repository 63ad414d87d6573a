package scrub

import (
	"bytes"
	"encoding/binary"
)

// This file only looks at metadata that is being dropped, to report it; it
// never decides what is kept. It must not fail on any input.

// maxInspect bounds how much of a dropped block is read for the report.
const maxInspect = 64 * 1024

// inspectTIFF reports whether an EXIF (TIFF) block holds a GPS position, and
// its orientation tag (0 if absent or out of range).
func inspectTIFF(b []byte) (gps bool, orientation int) {
	if len(b) < 8 {
		return false, 0
	}
	var bo binary.ByteOrder
	switch string(b[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return false, 0
	}
	entries := func(off uint32) [][]byte {
		if off < 8 || int64(off)+2 > int64(len(b)) {
			return nil
		}
		n := int(bo.Uint16(b[off:]))
		start := int(off) + 2
		n = min(n, (len(b)-start)/12)
		out := make([][]byte, n)
		for i := range out {
			out[i] = b[start+12*i : start+12*i+12]
		}
		return out
	}
	for _, e := range entries(bo.Uint32(b[4:])) {
		tag, typ := bo.Uint16(e), bo.Uint16(e[2:])
		switch {
		case tag == 0x0112 && typ == 3: // Orientation, SHORT
			if v := int(bo.Uint16(e[8:])); v >= 2 && v <= 8 {
				orientation = v
			}
		case tag == 0x8825: // GPS IFD pointer
			for _, g := range entries(bo.Uint32(e[8:])) {
				// GPSLatitudeRef … GPSLongitude, GPSAltitude, GPSDestLatitude…
				if t := bo.Uint16(g); t >= 1 && t <= 6 || t >= 19 && t <= 22 {
					gps = true
				}
			}
		}
	}
	return gps, orientation
}

// mentionsGPS reports whether text (XMP, PNG text) carries GPS fields.
func mentionsGPS(b []byte) bool {
	return bytes.Contains(b, []byte("GPSLatitude")) || bytes.Contains(b, []byte("GPSLongitude")) ||
		bytes.Contains(b, []byte("GPSPosition"))
}
