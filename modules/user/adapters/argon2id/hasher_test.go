package argon2id

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// cheap keeps the tests fast; the format and checks do not depend on the cost.
var cheap = Params{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashAndVerify(t *testing.T) {
	ctx := context.Background()
	h := New(cheap, 2)
	enc, err := h.Hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("encoded %q", enc)
	}
	if ok, err := h.Verify(ctx, "correct horse", enc); err != nil || !ok {
		t.Fatalf("right password: %v %v", ok, err)
	}
	if ok, err := h.Verify(ctx, "correct horsf", enc); err != nil || ok {
		t.Fatalf("wrong password: %v %v", ok, err)
	}
	again, _ := h.Hash(ctx, "correct horse")
	if again == enc {
		t.Fatal("same salt twice")
	}
}

func TestOWASPParameters(t *testing.T) {
	enc, err := NewDefault().Hash(context.Background(), "password1")
	if err != nil {
		t.Fatal(err)
	}
	p, salt, key, err := decode(enc)
	if err != nil || p.MemoryKiB != 19456 || p.Time != 2 || p.Threads != 1 || len(salt) != 16 || len(key) != 32 {
		t.Fatalf("%q: %+v %d %d %v", enc, p, len(salt), len(key), err)
	}
	// A hash made with other parameters still verifies: they are read from the string.
	if ok, err := New(cheap, 1).Verify(context.Background(), "password1", enc); err != nil || !ok {
		t.Fatalf("cross-parameter verify: %v %v", ok, err)
	}
}

func TestMalformedHashes(t *testing.T) {
	h := New(cheap, 1)
	good, _ := h.Hash(context.Background(), "password1")
	parts := strings.Split(good, "$")
	bad := []string{
		"", "plain", "$2a$10$abc",
		strings.Replace(good, "argon2id", "argon2i", 1),
		strings.Replace(good, "v=19", "v=16", 1),
		strings.Replace(good, "m=64", "m=99999999", 1),
		strings.Replace(good, "t=1", "t=0", 1),
		"$argon2id$v=19$m=64,t=1,p=1$" + parts[4] + "$!!!",
		"$argon2id$v=19$m=64,t=1,p=1$$" + parts[5],
	}
	for _, b := range bad {
		if _, err := h.Verify(context.Background(), "password1", b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: %v", b, err)
		}
	}
}

func TestConcurrencyIsBounded(t *testing.T) {
	h := New(Params{MemoryKiB: 2048, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2)
	var peak atomic.Int32
	var wg sync.WaitGroup
	// Observe the semaphore directly: its length is the number of hashes running.
	stop := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for {
			select {
			case <-stop:
				return
			default:
				if n := int32(len(h.sem)); n > peak.Load() {
					peak.Store(n)
				}
			}
		}
	}()
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = h.Hash(context.Background(), "password1")
		}()
	}
	wg.Wait()
	close(stop)
	<-watched
	if peak.Load() > 2 || peak.Load() == 0 {
		t.Fatalf("peak concurrency %d, want 1..2", peak.Load())
	}
}

func TestCancelledWhileWaiting(t *testing.T) {
	h := New(cheap, 1)
	h.sem <- struct{}{} // the only slot is taken
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(ctx, "password1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	if _, err := h.Verify(ctx, "password1", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("verify err %v", err)
	}
}
