package prefix

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// scanKeysJSON is the fast path of parseKeysJSON: a hand-written reader for
// the one shape keys_json takes, a flat JSON object of string values. It
// returns ok only for input it is sure encoding/json reads the same way,
// with the map encoding/json would return; for anything else (any error,
// null values, lone surrogates, invalid UTF-8, a top level other than an
// object) it returns ok = false and parseKeysJSON asks encoding/json, which
// gives the verdict and the error message. FuzzKeysJSON checks the two
// against each other.
//
// Keys and values without escapes are substrings of s: no copy.
func scanKeysJSON(s string) (map[string]string, bool) {
	m := make(map[string]string, strings.Count(s, `":`))
	if !eachKeysJSON(s, func(key, value string) { m[key] = value }) { // a repeated key: the last one wins, as in encoding/json
		return nil, false
	}
	return m, true
}

// eachKeysJSON is scanKeysJSON that hands each member to fn, in the order
// of the text, instead of building a map; fn may already have been called
// when it returns false.
func eachKeysJSON(s string, fn func(key, value string)) bool {
	i := skipSpace(s, 0)
	if i == len(s) || s[i] != '{' {
		return false
	}
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == '}' {
		return endOfObject(s, i+1)
	}
	for {
		var key, value string
		var ok bool
		if key, i, ok = scanString(s, i); !ok {
			return false
		}
		if i = skipSpace(s, i); i == len(s) || s[i] != ':' {
			return false
		}
		if value, i, ok = scanString(s, skipSpace(s, i+1)); !ok {
			return false // also null, a number, an object...: encoding/json decides
		}
		fn(key, value)
		if i = skipSpace(s, i); i == len(s) {
			return false
		}
		switch s[i] {
		case ',':
			i = skipSpace(s, i+1)
		case '}':
			return endOfObject(s, i+1)
		default:
			return false
		}
	}
}

// endOfObject reports whether what follows the object's closing brace at
// s[i:] is accepted as parseKeysJSON accepts it: nothing but whitespace, or
// whitespace then ']' or '}' (json.Decoder.More reports no more values
// there, and nothing after that byte is read).
func endOfObject(s string, i int) bool {
	i = skipSpace(s, i)
	return i == len(s) || s[i] == ']' || s[i] == '}'
}

func skipSpace(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanString reads the JSON string starting at s[i] and returns its value
// and the index after its closing quote; ok is false when there is no
// string there or it holds what the fast path leaves to encoding/json
// (invalid UTF-8, a surrogate escape that is not a valid pair).
func scanString(s string, i int) (string, int, bool) {
	if i == len(s) || s[i] != '"' {
		return "", i, false
	}
	start := i + 1
	for j := start; j < len(s); {
		c := s[j]
		switch {
		case c == '"':
			return s[start:j], j + 1, true
		case c == '\\':
			return unescapeString(s, start, j)
		case c < ' ':
			return "", j, false
		case c < utf8.RuneSelf:
			j++
		default:
			r, size := utf8.DecodeRuneInString(s[j:])
			if r == utf8.RuneError && size == 1 {
				return "", j, false
			}
			j += size
		}
	}
	return "", len(s), false
}

// unescapeString continues scanString from the first backslash at s[j],
// copying the string's value from s[start:].
func unescapeString(s string, start, j int) (string, int, bool) {
	b := make([]byte, 0, len(s[start:j])+16)
	b = append(b, s[start:j]...)
	for j < len(s) {
		c := s[j]
		switch {
		case c == '"':
			return string(b), j + 1, true
		case c == '\\':
			if j+1 == len(s) {
				return "", j, false
			}
			esc := s[j+1]
			j += 2
			switch esc {
			case '"', '\\', '/':
				b = append(b, esc)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := hex4(s, j)
				if !ok {
					return "", j, false
				}
				j += 4
				if utf16.IsSurrogate(r) {
					// Only a valid pair here; encoding/json turns anything
					// else into U+FFFD, left to it.
					r2, ok := rune(0), false
					if j+6 <= len(s) && s[j] == '\\' && s[j+1] == 'u' {
						r2, ok = hex4(s, j+2)
					}
					if !ok {
						return "", j, false
					}
					if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
						return "", j, false
					}
					j += 6
				}
				b = utf8.AppendRune(b, r)
			default:
				return "", j, false
			}
		case c < ' ':
			return "", j, false
		case c < utf8.RuneSelf:
			b = append(b, c)
			j++
		default:
			r, size := utf8.DecodeRuneInString(s[j:])
			if r == utf8.RuneError && size == 1 {
				return "", j, false
			}
			b = append(b, s[j:j+size]...)
			j += size
		}
	}
	return "", len(s), false
}

// hex4 reads the four hex digits of a \u escape at s[i:].
func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
