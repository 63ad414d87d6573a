package casecode

// MaxOrgIDLength is the longest organisation id ValidOrgID accepts.
const MaxOrgIDLength = 63

// ValidOrgID reports whether id is a well-formed organisation id:
// [a-z0-9][a-z0-9-]{0,62}, that is 1 to 63 bytes of lower-case ASCII letters,
// digits and hyphens, not starting with a hyphen. The id enters the Argon2id
// salt and the HKDF salt, so it must have exactly one spelling.
func ValidOrgID(id string) bool {
	if len(id) == 0 || len(id) > MaxOrgIDLength || id[0] == '-' {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
