package evidence_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/evidence"
)

func Example() {
	caseKey, _ := age.GenerateHybridIdentity() // in Lanterne, the case key

	// Reporter's device: encrypt a (scrubbed) file and upload its chunks.
	file := strings.NewReader(strings.Repeat("photo bytes ", 10000)) // 120,000 bytes
	server := evidence.NewChunkVerifier(50 << 20)
	var stored bytes.Buffer
	sum, err := evidence.EncryptFrom(file, caseKey.Recipient(), func(c evidence.Chunk) error {
		// Upload c.Index, c.Data, c.SHA256. Here the server checks and keeps it.
		if _, err := server.Add(c); err != nil {
			return err
		}
		stored.Write(c.Data)
		return nil
	}, func(done int64) { fmt.Printf("encrypted %d of 120000 bytes\n", done) })
	if err != nil {
		panic(err)
	}
	// The client announces the end; the manifest goes into the encrypted report.
	if err := server.Finish(sum.CiphertextSize, sum.CiphertextSHA256); err != nil {
		panic(err)
	}
	fmt.Println("chunks uploaded:", sum.Chunks)

	// Referent's device: download the chunks in order, decrypt, check.
	r, err := evidence.Decrypt(&stored, sum, caseKey)
	if err != nil {
		panic(err)
	}
	plain, err := io.ReadAll(r) // only trust plain once Read returned io.EOF
	if err != nil {
		panic(err)
	}
	fmt.Println("decrypted bytes:", len(plain))
	// Output:
	// encrypted 65536 of 120000 bytes
	// encrypted 120000 of 120000 bytes
	// chunks uploaded: 2
	// decrypted bytes: 120000
}

func ExampleChunkVerifier() {
	v := evidence.NewChunkVerifier(1 << 20)
	c := evidence.Chunk{Index: 0, Data: []byte("a whole (short) file")}
	c.SHA256 = sha256Sum(c.Data)

	dup, err := v.Add(c)
	fmt.Println("first upload:", dup, err)
	dup, err = v.Add(c) // the client retried: accepted, nothing to store
	fmt.Println("retry:", dup, err)
	other := evidence.Chunk{Index: 0, Data: []byte("something else"), SHA256: sha256Sum([]byte("something else"))}
	_, err = v.Add(other)
	fmt.Println("other data at index 0:", err)
	fmt.Println("finish:", v.Finish(int64(len(c.Data)), c.SHA256))
	// Output:
	// first upload: false <nil>
	// retry: true <nil>
	// other data at index 0: evidence: chunk index already holds different data: chunk 0
	// finish: <nil>
}
