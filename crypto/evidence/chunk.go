package evidence

import "errors"

// ChunkSize is the size of every upload chunk but the last, which is shorter
// or equal (never empty). It matches age's STREAM plaintext chunk size, but
// upload chunks are cut from the ciphertext, header included, so their
// boundaries do not line up with age's.
const ChunkSize = 64 * 1024

// Chunk is one upload chunk: bytes [Index*ChunkSize, Index*ChunkSize+len(Data))
// of the age file.
type Chunk struct {
	Index  uint32
	Data   []byte
	SHA256 [32]byte // SHA-256 of Data
}

// Summary describes one encrypted file. Its four size and hash fields go into
// the evidence manifest (size, plaintext_sha256, ciphertext_size,
// ciphertext_sha256); Chunks is NumChunks(CiphertextSize).
type Summary struct {
	PlaintextSize    int64
	PlaintextSHA256  [32]byte
	CiphertextSize   int64
	CiphertextSHA256 [32]byte
	Chunks           uint32
}

// MaxCiphertextSize is the largest ciphertext whose chunks can be numbered
// with a uint32 (just under 256 TiB); anything larger is refused.
const MaxCiphertextSize = int64(1<<32-1) * ChunkSize

// ErrMismatch is wrapped by every error that reports data not matching its
// manifest or its announced hash.
var ErrMismatch = errors.New("evidence: data does not match its manifest")

// NumChunks returns the number of upload chunks of a ciphertext of the given
// size: ceil(size / ChunkSize). It returns 0 for a size that is not positive
// or exceeds MaxCiphertextSize (no valid age file has such a size).
func NumChunks(ciphertextSize int64) uint32 {
	if ciphertextSize <= 0 || ciphertextSize > MaxCiphertextSize {
		return 0
	}
	return uint32((ciphertextSize + ChunkSize - 1) / ChunkSize)
}
