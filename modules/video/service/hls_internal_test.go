package service

import "testing"

func TestVersionTagKeepsTwelveLettersAndDigits(t *testing.T) {
	for key, want := range map[string]string{
		"ab/cd/0123456789abcdef.bin": "abcd01234567",
		"09azAZ/:`{@[-_.~ ":          "09azAZ",
		"":                           "",
		"x":                          "x",
	} {
		if got := versionTag(key); got != want {
			t.Errorf("versionTag(%q) = %q, want %q", key, got, want)
		}
	}
}
