package envelope

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

func TestBucket(t *testing.T) {
	tests := []struct{ n, want int }{
		{-1, -1},
		{0, 1 << 10},
		{1<<10 - HeaderSize, 1 << 10},
		{1<<10 - HeaderSize + 1, 2 << 10},
		{2<<10 - HeaderSize, 2 << 10},
		{2<<10 - HeaderSize + 1, 4 << 10},
		{4<<10 - HeaderSize + 1, 8 << 10},
		{16<<10 - HeaderSize, 16 << 10},
		{64<<10 - HeaderSize + 1, 128 << 10},
		{1<<20 - HeaderSize, 1 << 20},
		{1<<20 - HeaderSize + 1, 2 << 20},
		{4<<20 - HeaderSize, 4 << 20},
		{4<<20 - HeaderSize + 1, -1},
	}
	for _, tc := range tests {
		if got := Bucket(tc.n); got != tc.want {
			t.Errorf("Bucket(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}

// TestFrameBucketBoundaries frames payloads on both sides of every bucket
// boundary a kind can reach and checks size, layout and the round trip.
func TestFrameBucketBoundaries(t *testing.T) {
	for k := KindReport; k <= KindInvitation; k++ {
		for b := MinFrameSize; b <= k.MaxFrameSize(); b <<= 1 {
			for _, n := range []int{b/2 - HeaderSize + 1, b - HeaderSize} {
				if n < 0 {
					n = 0
				}
				payload := bytes.Repeat([]byte{'x'}, n)
				f, err := Frame(k, payload)
				if err != nil {
					t.Fatalf("%s, %d bytes: %v", k, n, err)
				}
				if len(f) != b {
					t.Errorf("%s, %d bytes: frame of %d bytes, want %d", k, n, len(f), b)
				}
				if string(f[:4]) != Magic || Kind(f[4]) != k || binary.BigEndian.Uint32(f[5:9]) != uint32(n) {
					t.Errorf("%s, %d bytes: bad header % x", k, n, f[:9])
				}
				gotKind, got, err := Unframe(f)
				if err != nil || gotKind != k || !bytes.Equal(got, payload) {
					t.Errorf("%s, %d bytes: Unframe = %v, %d bytes, %v", k, n, gotKind, len(got), err)
				}
			}
		}
	}
}

func TestFrameKindMaximum(t *testing.T) {
	tests := []struct {
		kind       Kind
		maxPayload int
	}{
		{KindReport, 1<<20 - 9},
		{KindIdentity, 16<<10 - 9},
		{KindMessage, 64<<10 - 9},
		{KindNote, 256<<10 - 9},
		{KindIdentityRelease, 4<<10 - 9},
		{KindInvitation, 16<<10 - 9},
	}
	for _, tc := range tests {
		t.Run(tc.kind.String(), func(t *testing.T) {
			if tc.kind.MaxPayload() != tc.maxPayload {
				t.Errorf("MaxPayload = %d, want %d", tc.kind.MaxPayload(), tc.maxPayload)
			}
			if _, err := Frame(tc.kind, make([]byte, tc.maxPayload)); err != nil {
				t.Errorf("payload at the maximum refused: %v", err)
			}
			if _, err := Frame(tc.kind, make([]byte, tc.maxPayload+1)); !errors.Is(err, ErrTooLarge) {
				t.Errorf("payload one byte over the maximum: got %v, want ErrTooLarge", err)
			}
		})
	}
	if _, err := Frame(0, nil); !errors.Is(err, ErrKind) {
		t.Errorf("kind 0: got %v", err)
	}
	if _, err := Frame(7, nil); !errors.Is(err, ErrKind) {
		t.Errorf("kind 7: got %v", err)
	}
}

func TestUnframeRefusals(t *testing.T) {
	good := func() []byte {
		f, err := Frame(KindMessage, []byte("bonjour"))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	withLength := func(f []byte, n uint32) []byte {
		binary.BigEndian.PutUint32(f[5:9], n)
		return f
	}
	tests := []struct {
		name string
		in   func() []byte
		want error
	}{
		{"empty", func() []byte { return nil }, ErrFrameSize},
		{"header only", func() []byte { return good()[:9] }, ErrFrameSize},
		{"one byte short of a bucket", func() []byte { return good()[:1023] }, ErrFrameSize},
		{"one byte past a bucket", func() []byte { return append(good(), 0) }, ErrFrameSize},
		{"not a power of two", func() []byte { return append(good(), make([]byte, 512)...) }, ErrFrameSize},
		{"larger than 4 MiB", func() []byte { f := make([]byte, 8<<20); copy(f, good()); return f }, ErrFrameSize},
		{"wrong magic", func() []byte { f := good(); f[3] = '2'; return f }, ErrMagic},
		{"age header as frame", func() []byte { f := good(); copy(f, "age-"); return f }, ErrMagic},
		{"kind 0", func() []byte { f := good(); f[4] = 0; return f }, ErrKind},
		{"kind 7", func() []byte { f := good(); f[4] = 7; return f }, ErrKind},
		{"kind 255", func() []byte { f := good(); f[4] = 255; return f }, ErrKind},
		{"message frame of 128 KiB", func() []byte {
			f := make([]byte, 128<<10)
			copy(f, good()[:9])
			return withLength(f, 100<<10)
		}, ErrTooLarge},
		{"report frame of 2 MiB", func() []byte {
			f := make([]byte, 2<<20)
			copy(f, Magic)
			f[4] = byte(KindReport)
			return withLength(f, 1<<20)
		}, ErrTooLarge},
		{"length past the end by one", func() []byte { return withLength(good(), 1024-9+1) }, ErrLength},
		{"length 2^32-1", func() []byte { return withLength(good(), 0xffffffff) }, ErrLength},
		{"non-zero padding at the end", func() []byte { f := good(); f[len(f)-1] = 1; return f }, ErrPadding},
		{"non-zero padding right after the payload", func() []byte { f := good(); f[9+7] = ' '; return f }, ErrPadding},
		{"length shortened over payload bytes", func() []byte { return withLength(good(), 3) }, ErrPadding},
		{"padded to a bigger bucket", func() []byte {
			f := make([]byte, 2048)
			copy(f, good())
			return f
		}, ErrNotMinimal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Unframe(tc.in())
			if !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	// The refusals are distinct errors.
	all := []error{ErrFrameSize, ErrMagic, ErrKind, ErrTooLarge, ErrLength, ErrPadding, ErrNotMinimal}
	for i := range all {
		for j := range all {
			if i != j && errors.Is(all[i], all[j]) {
				t.Errorf("%v matches %v", all[i], all[j])
			}
		}
	}
}

func TestKindNames(t *testing.T) {
	want := map[Kind]string{1: "report", 2: "identity", 3: "message", 4: "note", 5: "identity-release", 6: "invitation", 9: "kind(9)"}
	for k, name := range want {
		if k.String() != name {
			t.Errorf("Kind(%d).String() = %q, want %q", k, k.String(), name)
		}
	}
	if Kind(9).MaxPayload() != 0 || Kind(0).MaxFrameSize() != 0 || Kind(7).MaxCiphertextSize() != 0 {
		t.Error("an unknown kind has a maximum")
	}
}
