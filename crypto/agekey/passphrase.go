package agekey

import (
	"bytes"
	"errors"
	"io"

	"filippo.io/age"
)

// DefaultWorkFactor is the scrypt work factor (log2 N) used to seal key files:
// age's own default, about one second on a laptop.
const DefaultWorkFactor = 18

// ErrWrongPassphrase is returned when sealed data does not open with the
// passphrase given.
var ErrWrongPassphrase = errors.New("agekey: wrong passphrase or damaged file")

// SealWithPassphrase encrypts data with age's scrypt recipient, so that the
// reference tool opens it with `age -d`. workFactor is log2 of scrypt's N;
// use DefaultWorkFactor outside tests.
func SealWithPassphrase(data []byte, passphrase string, workFactor int) ([]byte, error) {
	if passphrase == "" {
		return nil, errors.New("agekey: empty passphrase")
	}
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return nil, err
	}
	r.SetWorkFactor(workFactor)
	var out bytes.Buffer
	w, err := age.Encrypt(&out, r)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// OpenWithPassphrase decrypts what SealWithPassphrase sealed. It accepts work
// factors up to DefaultWorkFactor+2, so that a hostile file cannot make it run
// for minutes.
func OpenWithPassphrase(sealed []byte, passphrase string) ([]byte, error) {
	id, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return nil, err
	}
	id.SetMaxWorkFactor(DefaultWorkFactor + 2)
	r, err := age.Decrypt(bytes.NewReader(sealed), id)
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	return data, nil
}
