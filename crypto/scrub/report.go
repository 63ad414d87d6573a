package scrub

// Item names a kind of metadata that a scrubber found and removed. The values
// are stable identifiers for the interface to translate.
type Item string

const (
	ItemEXIF      Item = "exif"          // EXIF block (camera, settings, dates…)
	ItemGPS       Item = "gps"           // a GPS position, in EXIF, XMP or text
	ItemXMP       Item = "xmp"           // XMP packet (author, software, history…)
	ItemIPTC      Item = "iptc"          // IPTC / Photoshop resources
	ItemComment   Item = "comment"       // JPEG comment
	ItemText      Item = "text"          // PNG text chunks (tEXt, zTXt, iTXt)
	ItemTime      Item = "time"          // PNG last-modification time (tIME)
	ItemThumbnail Item = "thumbnail"     // an embedded preview image
	ItemTrailer   Item = "trailing-data" // data after the end of the image
	ItemInfo      Item = "document-info" // PDF document information (author, title…)
	ItemOther     Item = "other"         // any other segment or chunk not needed to show the file
)

// Report says what a scrubber did.
type Report struct {
	Type Type
	// Removed lists what was found and removed, each item once, in the order
	// first met. Empty when the file carried nothing to remove.
	Removed []Item
	// Orientation is the EXIF orientation (2 to 8) that was removed with the
	// EXIF block; 0 if there was none or it was 1 (upright). When it is set
	// the image may now show rotated or mirrored.
	Orientation int
	// Unscrubbed is true when the type is not handled and the file was
	// copied unchanged: it may still carry metadata.
	Unscrubbed bool
}

func (r *Report) add(it Item) {
	for _, x := range r.Removed {
		if x == it {
			return
		}
	}
	r.Removed = append(r.Removed, it)
}

// Has reports whether it was removed.
func (r *Report) Has(it Item) bool {
	for _, x := range r.Removed {
		if x == it {
			return true
		}
	}
	return false
}
