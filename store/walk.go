package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Kind says what a stored value is.
type Kind string

// The kinds of stored values. Ciphertext kinds carry an age file in
// Item.Ciphertext; metadata kinds carry JSON in Item.Meta; KindMessage,
// KindNote and KindInvitation carry both.
const (
	KindSchema             Kind = "schema"              // Meta: the schema version, a JSON number
	KindCounter            Kind = "counter"             // Meta: a byte counter or directory version, a JSON number
	KindOrgConfig          Kind = "org-config"          // Meta: the server's JSON
	KindDirectory          Kind = "directory"           // Meta: the signed directory JSON
	KindCaseMeta           Kind = "case-meta"           // Meta: CaseMeta JSON
	KindReport             Kind = "report"              // Ciphertext
	KindIdentity           Kind = "identity"            // Ciphertext
	KindRelease            Kind = "release"             // Ciphertext
	KindInvitationEnvelope Kind = "invitation-envelope" // Ciphertext
	KindWrap               Kind = "wrap"                // Ciphertext; reader, role, generation in Key
	KindMessage            Kind = "message"             // Meta: {"author","time"}; Ciphertext
	KindNote               Kind = "note"                // Meta: {"author","time"}; Ciphertext
	KindFileHeader         Kind = "file-header"         // Meta: file header JSON
	KindChunk              Kind = "chunk"               // Ciphertext: a piece of an age file (only chunk 0 starts with the age header)
	KindInvitation         Kind = "invitation"          // Meta: invitation record JSON; Ciphertext (none once redeemed)
	KindTombstone          Kind = "tombstone"           // Meta: {"lookup_id","deleted_day"}
	KindPendingFile        Kind = "pending-file"        // Meta: the day the upload began, a JSON string
	KindReaderIndex        Kind = "reader-index"        // Meta: the number of wraps the reader holds, a JSON number; reader in Key
	KindAccess             Kind = "access"              // Meta: {"referent","time","what"}
	KindUnknown            Kind = "unknown"             // none: a value this program did not write
)

// Item is one stored value, as Walk shows it. Its byte slices are copies
// the callback may keep.
type Item struct {
	Kind Kind
	Org  string // "" for the schema version
	// Case is the lookup id of the case the value belongs to ("" for
	// organisation-level values); for an invitation, the case that issued it.
	Case string
	// Key says where the value sits, for people: "report", "usage",
	// "wrap 1/case/alice", "message 3", "chunk 9f…/0", "bucket x" ...
	Key        string
	Meta       []byte // JSON metadata, nil if none
	Ciphertext []byte // the age ciphertext (or chunk), nil if none
	Raw        []byte // the value exactly as stored

	chunk uint32 // KindChunk: the chunk's index
}

// Walk implements Store. It visits every value under one read transaction
// (a consistent snapshot), including values it does not recognise
// (KindUnknown). On a live server a long walk delays writes that must grow
// the memory map (Options.MmapSize); walk a backup copy instead.
func (s *BoltStore) Walk(ctx context.Context, fn func(Item) error) error {
	return s.view(ctx, func(tx *bolt.Tx) error {
		w := walker{ctx: ctx, fn: fn}
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			switch {
			case bytes.Equal(name, bMeta):
				return w.each(b, func(k, v []byte) error {
					if bytes.Equal(k, kSchema) {
						return w.counter(Item{Kind: KindSchema, Key: "schema"}, v)
					}
					return w.unknown(Item{Key: string(k)}, v)
				})
			case bytes.Equal(name, bOrgs):
				return w.each(b, func(k, v []byte) error {
					if v != nil {
						return w.unknown(Item{Key: string(k)}, v)
					}
					return w.org(string(k), b.Bucket(k))
				})
			}
			return w.unknownBucket(Item{Key: "bucket " + string(name)}, b)
		})
	})
}

type walker struct {
	ctx context.Context
	fn  func(Item) error
}

func (w *walker) emit(it Item, v []byte) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	if it.Raw == nil {
		it.Raw = bytes.Clone(v)
	}
	return w.fn(it)
}

// each calls fn for every key of b; v is nil for a nested bucket.
func (w *walker) each(b *bolt.Bucket, fn func(k, v []byte) error) error {
	return b.ForEach(fn)
}

func (w *walker) counter(it Item, v []byte) error {
	if len(v) != 8 {
		return w.unknown(it, v)
	}
	it.Meta = []byte(strconv.FormatUint(binary.BigEndian.Uint64(v), 10))
	return w.emit(it, v)
}

func (w *walker) unknown(it Item, v []byte) error {
	it.Kind = KindUnknown
	it.Meta, it.Ciphertext = nil, nil
	return w.emit(it, v)
}

// unknownBucket reports a bucket this program does not write, and every
// value under it.
func (w *walker) unknownBucket(it Item, b *bolt.Bucket) error {
	if err := w.unknown(it, nil); err != nil {
		return err
	}
	return b.ForEach(func(k, v []byte) error {
		sub := it
		sub.Key = it.Key + "/" + string(k)
		if v == nil {
			return w.unknownBucket(sub, b.Bucket(k))
		}
		return w.unknown(sub, v)
	})
}

// meta emits a value that is all metadata.
func (w *walker) meta(it Item, v []byte) error {
	it.Raw = bytes.Clone(v)
	it.Meta = it.Raw
	return w.emit(it, v)
}

// ciphertext emits a value that is all ciphertext.
func (w *walker) ciphertext(it Item, v []byte) error {
	it.Raw = bytes.Clone(v)
	it.Ciphertext = it.Raw
	return w.emit(it, v)
}

// record emits a header-and-ciphertext value.
func (w *walker) record(it Item, v []byte) error {
	raw := bytes.Clone(v)
	h, ct, err := splitRecord(raw)
	if err != nil {
		return w.unknown(it, v)
	}
	it.Raw, it.Meta = raw, h
	if len(ct) > 0 {
		it.Ciphertext = ct
	}
	return w.emit(it, v)
}

func (w *walker) org(org string, ob *bolt.Bucket) error {
	at := func(k Kind, key string) Item { return Item{Kind: k, Org: org, Key: key} }
	return w.each(ob, func(k, v []byte) error {
		name := string(k)
		if v != nil {
			switch name {
			case string(kConfig):
				return w.meta(at(KindOrgConfig, name), v)
			case string(kDirectory):
				return w.meta(at(KindDirectory, name), v)
			case string(kDirVersion), string(kUsage):
				return w.counter(at(KindCounter, name), v)
			}
			return w.unknown(at(KindUnknown, name), v)
		}
		b := ob.Bucket(k)
		switch name {
		case string(bCases):
			return w.each(b, func(id, v []byte) error {
				it := at(KindCaseMeta, "meta")
				it.Case = string(id)
				if v == nil {
					return w.unknownBucket(Item{Org: org, Key: "cases/" + string(id)}, b.Bucket(id))
				}
				return w.meta(it, v)
			})
		case string(bContent):
			return w.each(b, func(id, v []byte) error {
				if v != nil {
					return w.unknown(at(KindUnknown, "content/"+string(id)), v)
				}
				return w.content(org, string(id), b.Bucket(id))
			})
		case string(bInvitations):
			return w.each(b, func(id, v []byte) error {
				if v == nil {
					return w.unknownBucket(at(KindUnknown, "invitations/"+string(id)), b.Bucket(id))
				}
				it := at(KindInvitation, "invitation "+string(id))
				var r invitationRecord
				if h, _, err := splitRecord(v); err == nil && json.Unmarshal(h, &r) == nil {
					it.Case = r.WitnessCase
				}
				return w.record(it, v)
			})
		case string(bTombstones):
			return w.each(b, func(id, v []byte) error {
				if v == nil {
					return w.unknownBucket(at(KindUnknown, "tombstones/"+string(id)), b.Bucket(id))
				}
				it := at(KindTombstone, "tombstone")
				it.Case = string(id)
				return w.meta(it, v)
			})
		case string(bReaders):
			return w.each(b, func(k, v []byte) error {
				reader, id, ok := parseReaderKey(k)
				if v == nil || !ok {
					return w.unknown(at(KindUnknown, "readers/"+string(k)), v)
				}
				it := at(KindReaderIndex, "reader "+reader)
				it.Case = id
				return w.counter(it, v)
			})
		case string(bPending):
			return w.each(b, func(k, v []byte) error {
				if v == nil || len(k) <= 32 {
					return w.unknown(at(KindUnknown, "pending/"+string(k)), v)
				}
				it := at(KindPendingFile, "pending "+string(k[32:]))
				it.Case = string(k[:32])
				it.Raw = bytes.Clone(v)
				it.Meta, _ = json.Marshal(string(v))
				return w.emit(it, v)
			})
		}
		return w.unknownBucket(at(KindUnknown, "bucket "+name), b)
	})
}

func (w *walker) content(org, id string, cb *bolt.Bucket) error {
	at := func(k Kind, key string) Item { return Item{Kind: k, Org: org, Case: id, Key: key} }
	return w.each(cb, func(k, v []byte) error {
		name := string(k)
		if v != nil {
			switch name {
			case string(kUsage):
				return w.counter(at(KindCounter, name), v)
			case string(BlobReport):
				return w.ciphertext(at(KindReport, name), v)
			case string(BlobIdentity):
				return w.ciphertext(at(KindIdentity, name), v)
			case string(BlobRelease):
				return w.ciphertext(at(KindRelease, name), v)
			case string(BlobInvitation):
				return w.ciphertext(at(KindInvitationEnvelope, name), v)
			}
			return w.unknown(at(KindUnknown, name), v)
		}
		b := cb.Bucket(k)
		switch name {
		case string(bWraps):
			return w.each(b, func(k, v []byte) error {
				gen, role, reader, ok := parseWrapKey(k)
				if v == nil || !ok {
					return w.unknown(at(KindUnknown, "wraps/"+string(k)), v)
				}
				return w.ciphertext(at(KindWrap, fmt.Sprintf("wrap %d/%s/%s", gen, role, reader)), v)
			})
		case string(Messages), string(Notes):
			kind := KindMessage
			if name == string(Notes) {
				kind = KindNote
			}
			return w.each(b, func(k, v []byte) error {
				if v == nil || len(k) != 8 {
					return w.unknown(at(KindUnknown, name+"/"+string(k)), v)
				}
				return w.record(at(kind, fmt.Sprintf("%s %d", kind, binary.BigEndian.Uint64(k))), v)
			})
		case string(bAccess):
			return w.each(b, func(k, v []byte) error {
				if v == nil || len(k) != 8 {
					return w.unknown(at(KindUnknown, "access/"+string(k)), v)
				}
				return w.meta(at(KindAccess, fmt.Sprintf("access %d", binary.BigEndian.Uint64(k))), v)
			})
		case string(bFiles):
			return w.each(b, func(k, v []byte) error {
				if v == nil {
					return w.unknown(at(KindUnknown, "files/"+string(k)), v)
				}
				return w.meta(at(KindFileHeader, "file "+string(k)), v)
			})
		case string(bChunks):
			return w.each(b, func(k, v []byte) error {
				file, index, ok := parseChunkKey(k)
				if v == nil || !ok {
					return w.unknown(at(KindUnknown, "chunks/"+string(k)), v)
				}
				it := at(KindChunk, fmt.Sprintf("chunk %s/%d", file, index))
				it.chunk = index
				return w.ciphertext(it, v)
			})
		}
		return w.unknownBucket(at(KindUnknown, "bucket "+name), b)
	})
}

// Check reports whether the item is a value this store writes: an age
// ciphertext where a ciphertext belongs, metadata in exactly the allowed
// JSON shape (no unknown fields, dates as days, times as minutes) where
// metadata belongs, and nothing else. It is what `lanterne audit store`
// runs on every item Walk shows.
func (it Item) Check() error {
	fail := func(format string, a ...any) error {
		return fmt.Errorf("store: %s %s/%s %s: %s", it.Kind, it.Org, it.Case, it.Key, fmt.Sprintf(format, a...))
	}
	age := func() error {
		if !isAgeFile(it.Ciphertext) {
			return fail("not an age ciphertext")
		}
		return nil
	}
	switch it.Kind {
	case KindSchema, KindCounter:
		if len(it.Raw) != 8 {
			return fail("not an 8-byte counter")
		}
		return nil
	case KindOrgConfig:
		if !json.Valid(it.Meta) {
			return fail("not JSON")
		}
		return nil
	case KindDirectory:
		var v map[string]json.RawMessage
		if json.Unmarshal(it.Meta, &v) != nil {
			return fail("not a JSON object")
		}
		return nil
	case KindCaseMeta:
		var m CaseMeta
		if err := decodeStrict(it.Meta, &m); err != nil {
			return fail("not a case meta: %v", err)
		}
		if err := checkMeta(&m); err != nil {
			return fail("%v", err)
		}
		if m.LookupID != it.Case {
			return fail("stored under another lookup id")
		}
		return nil
	case KindReport, KindIdentity, KindRelease, KindInvitationEnvelope, KindWrap:
		return age()
	case KindMessage, KindNote:
		var h entryHeader
		if err := decodeStrict(it.Meta, &h); err != nil {
			return fail("not an entry header: %v", err)
		}
		if t, err := time.Parse(minuteLayout, h.Time); err != nil || t.Format(minuteLayout) != h.Time {
			return fail("entry time is not a UTC minute")
		}
		if err := checkName("author", h.Author); err != nil {
			return fail("%v", err)
		}
		return age()
	case KindFileHeader:
		var r fileRecord
		if err := decodeStrict(it.Meta, &r); err != nil {
			return fail("not a file header: %v", err)
		}
		if err := r.check(); err != nil {
			return fail("%v", err)
		}
		if it.Key != "file "+r.FileID {
			return fail("stored under another file id")
		}
		return nil
	case KindChunk:
		if len(it.Ciphertext) == 0 || len(it.Ciphertext) > MaxChunkSize {
			return fail("chunk of %d bytes", len(it.Ciphertext))
		}
		if it.chunk == 0 && !bytes.HasPrefix(it.Ciphertext, []byte(ageMagic)) {
			return fail("first chunk does not start an age ciphertext")
		}
		return nil
	case KindInvitation:
		var r invitationRecord
		if err := decodeStrict(it.Meta, &r); err != nil {
			return fail("not an invitation record: %v", err)
		}
		if err := checkDay("invitation day", r.CreatedDay, false); err != nil {
			return fail("%v", err)
		}
		if r.Redeemed && it.Ciphertext == nil {
			return nil
		}
		return age()
	case KindTombstone:
		var t tombstone
		if err := decodeStrict(it.Meta, &t); err != nil {
			return fail("not a tombstone: %v", err)
		}
		if err := checkDay("deletion day", t.DeletedDay, false); err != nil {
			return fail("%v", err)
		}
		if t.LookupID != it.Case {
			return fail("stored under another lookup id")
		}
		return nil
	case KindReaderIndex:
		if len(it.Raw) != 8 || binary.BigEndian.Uint64(it.Raw) == 0 {
			return fail("not a positive 8-byte counter")
		}
		if err := checkLookup(it.Case); err != nil {
			return fail("%v", err)
		}
		if err := checkName("reader", strings.TrimPrefix(it.Key, "reader ")); err != nil {
			return fail("%v", err)
		}
		return nil
	case KindAccess:
		var r accessRecord
		if err := decodeStrict(it.Meta, &r); err != nil {
			return fail("not an access entry: %v", err)
		}
		if t, err := time.Parse(minuteLayout, r.Time); err != nil || t.Format(minuteLayout) != r.Time {
			return fail("access time is not a UTC minute")
		}
		if err := checkName("referent id", r.Referent); err != nil {
			return fail("%v", err)
		}
		if err := checkWhat(r.What); err != nil {
			return fail("%v", err)
		}
		return nil
	case KindPendingFile:
		if err := checkDay("file day", string(it.Raw), false); err != nil {
			return fail("%v", err)
		}
		return nil
	}
	return fail("not a value this store writes")
}
