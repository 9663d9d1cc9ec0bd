package feedback

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/netip"
	"regexp"
	"strings"
	"time"
)

// Mask replaces email addresses with [email], phone numbers (7 to 15
// digits, with or without +, spaces, dots, dashes, slashes or brackets
// between them) with [phone], and longer runs of 16 to 19 digits (card
// numbers) with [number]. Dates, times and version numbers are not phone
// numbers, nor are digits glued to letters (AUTH-4011234, v12345678): error
// codes customers paste must survive.
func Mask(s string) string {
	s = emailRE.ReplaceAllString(s, "[email]")
	protected := protectedSpans(s)
	var b strings.Builder
	last := 0
	for _, m := range phoneRE.FindAllStringIndex(s, -1) {
		for _, seg := range outside(m, protected) {
			start, end := seg[0], seg[1]
			// Trim what the pattern allows around the digits but is not part
			// of the number (a closing bracket, a trailing dot).
			for start < end && !isDigitOrPlus(s[start]) && s[start] != '(' {
				start++
			}
			for end > start && !isASCIIDigit(s[end-1]) {
				end--
			}
			n := countDigits(s[start:end])
			if n < 7 || n > 19 || !standsAlone(s, start, end) {
				continue
			}
			label := "[phone]"
			if n > 15 {
				label = "[number]"
			}
			b.WriteString(s[last:start])
			b.WriteString(label)
			last = end
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

var (
	emailRE = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}`)
	// A phone number: digits, with at most two separators between two of them.
	phoneRE = regexp.MustCompile(`\+?\(?\d(?:[ \x{a0}.\-/()]{0,2}\d){6,}\)?`)
	// Dates (2026-11-17, 17/11/2026, 17.11.26), times (10:30, 10:30:15) and
	// versions (3.7.0, 10.0.19045.3693, 120.0.6099.109: a second part of one
	// digit, which dotted phone numbers do not have) that phoneRE would
	// otherwise swallow.
	protectedRE = regexp.MustCompile(`\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}:\d{2}(?::\d{2})?|\d{1,3}\.\d\.\d+(?:\.\d+)*`)
)

// protectedSpans finds the dates, times and versions of s, leaving out
// those that go on with their own separator and a digit: 06-12-34-56-78 is
// a phone number, not the date 06-12-34.
func protectedSpans(s string) [][]int {
	spans := protectedRE.FindAllStringIndex(s, -1)
	out := spans[:0]
	for _, m := range spans {
		sep := byte(0)
		for i := m[0]; i < m[1]; i++ {
			if !isASCIIDigit(s[i]) {
				sep = s[i]
				break
			}
		}
		if m[1]+1 < len(s) && s[m[1]] == sep && isASCIIDigit(s[m[1]+1]) ||
			m[0] >= 2 && s[m[0]-1] == sep && isASCIIDigit(s[m[0]-2]) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// outside returns the parts of span m that no protected span overlaps.
func outside(m []int, protected [][]int) [][2]int {
	segs := [][2]int{{m[0], m[1]}}
	for _, p := range protected {
		if p[1] <= m[0] || p[0] >= m[1] {
			continue
		}
		var next [][2]int
		for _, s := range segs {
			if p[1] <= s[0] || p[0] >= s[1] {
				next = append(next, s)
				continue
			}
			if p[0] > s[0] {
				next = append(next, [2]int{s[0], p[0]})
			}
			if p[1] < s[1] {
				next = append(next, [2]int{p[1], s[1]})
			}
		}
		segs = next
	}
	return segs
}

func isASCIIDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isDigitOrPlus(c byte) bool { return isASCIIDigit(c) || c == '+' }
func isWordByte(c byte) bool {
	return isASCIIDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c >= 0x80
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isASCIIDigit(s[i]) {
			n++
		}
	}
	return n
}

// standsAlone reports whether s[start:end] is not part of a code: no letter
// or digit right before or after it, nor a -, _ or . joining it to one, nor
// a # before it (#1234567 is a ticket or order number).
func standsAlone(s string, start, end int) bool {
	if start > 0 {
		c := s[start-1]
		if isWordByte(c) || c == '#' {
			return false
		}
		if (c == '-' || c == '.' || c == '/') && start > 1 && isWordByte(s[start-2]) {
			return false
		}
	}
	if end < len(s) {
		c := s[end]
		if isWordByte(c) {
			return false
		}
		if (c == '-' || c == '_' || c == '.') && end+1 < len(s) && isWordByte(s[end+1]) {
			return false
		}
	}
	return true
}

// clientKey is what is hashed of a client address: an IPv4 address, the
// /64 network of an IPv6 address, without port or zone; other text as it is.
func clientKey(addr string) string {
	addr = strings.TrimSpace(addr)
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	addr = strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]")
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	ip = ip.WithZone("").Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// hashClient returns the day's hash of a client address, or "" for none.
func (s *Store) hashClient(ctx context.Context, addr string) (string, error) {
	if strings.TrimSpace(addr) == "" {
		return "", nil
	}
	salt, err := s.daySalt(ctx)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, salt)
	mac.Write([]byte(clientKey(addr)))
	return hex.EncodeToString(mac.Sum(nil)[:16]), nil
}

// daySalt returns the salt of today (UTC), creating it on the first call of
// the day in any process; that call also deletes the older salts and
// forgets the older hashes.
func (s *Store) daySalt(ctx context.Context) ([]byte, error) {
	now := s.now()
	day := now.Format(time.DateOnly)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.saltDay == day {
		return s.salt, nil
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO kb_salts (day, salt) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING`,
		day, hex.EncodeToString(fresh)); err != nil {
		return nil, err
	}
	var saltHex string
	if err := tx.QueryRowContext(ctx, `SELECT salt FROM kb_salts WHERE day = $1`, day).Scan(&saltHex); err != nil {
		return nil, err
	}
	salt, err := hex.DecodeString(saltHex)
	if err != nil || len(salt) == 0 {
		return nil, errSalt
	}
	start := millis(time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC))
	for _, st := range []struct {
		q   string
		arg any
	}{
		{`DELETE FROM kb_salts WHERE day < $1`, day},
		{`UPDATE kb_feedback SET client = NULL WHERE client IS NOT NULL AND created < $1`, start},
		{`UPDATE kb_searches SET client = NULL WHERE client IS NOT NULL AND created < $1`, start},
	} {
		if _, err := tx.ExecContext(ctx, st.q, st.arg); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	s.saltDay, s.salt = day, salt
	return salt, nil
}
