package localstore

import (
	"os"
	"sync"
)

// maxDirRoots bounds the fan-out folders kept open (one file descriptor each).
const maxDirRoots = 1024

// dirRoots keeps fan-out folders open as roots of their own, so opening an object costs
// one openat instead of one per path component. Folders are never removed, so a kept
// handle never goes stale. When the set is full, further folders are opened through the
// store's root each time; nothing is closed while the store is open, so no caller can
// find a handle closed under it.
type dirRoots struct {
	mu    sync.RWMutex
	roots map[string]*os.Root
}

func (d *dirRoots) get(parent *os.Root, dir string) (*os.Root, bool) {
	d.mu.RLock()
	r, ok := d.roots[dir]
	d.mu.RUnlock()
	if ok {
		return r, true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if r, ok := d.roots[dir]; ok {
		return r, true
	}
	if len(d.roots) >= maxDirRoots {
		return nil, false
	}
	r, err := parent.OpenRoot(dir)
	if err != nil {
		return nil, false
	}
	if d.roots == nil {
		d.roots = make(map[string]*os.Root)
	}
	d.roots[dir] = r
	return r, true
}

func (d *dirRoots) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for k, r := range d.roots {
		_ = r.Close()
		delete(d.roots, k)
	}
}
