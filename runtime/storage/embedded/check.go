package embedded

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"slices"
	"strings"
)

// ErrDamaged is matched (errors.Is) by the error of Open for a file that
// exists but cannot be used: empty, truncated, corrupt, or not an infgen
// state file; and by the error of an operation that met a corrupt page
// after Open. The error is a *DamagedError naming the file.
var ErrDamaged = errors.New("embedded storage: damaged state file")

// DamagedError describes a storage file that cannot be used safely.
type DamagedError struct {
	// Path is the file.
	Path string
	// Problem says what is wrong with it.
	Problem string
	// NotStateFile is set when the file is not an infgen state file at all
	// (not a bbolt database, or one with other contents), rather than a
	// damaged one.
	NotStateFile bool
}

// Error names the file, the problem and what to do.
func (e *DamagedError) Error() string {
	if e.NotStateFile {
		return fmt.Sprintf("embedded storage: %s is not an infgen state file: %s; check the path, and if it is the state file, restore it from a backup or move it aside so that an empty store is created",
			e.Path, e.Problem)
	}
	return fmt.Sprintf("embedded storage: state file %s is damaged: %s; restore it from a backup, or move it aside so that an empty store is created (its workflows are then lost)",
		e.Path, e.Problem)
}

// Is reports whether target is ErrDamaged.
func (e *DamagedError) Is(target error) bool { return target == ErrDamaged }

// The on-disk format of bbolt (go.etcd.io/bbolt/internal/common), which the
// checker reads without bbolt: bbolt trusts every page it maps and panics,
// or faults, on one that is damaged — and it walks every page on Open in a
// goroutine of its own (the freelist is rebuilt because NoFreelistSync is
// set), where nothing can recover the panic.
const (
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	pageHeaderSize   = 16 // id u64, flags u16, count u16, overflow u32
	metaChecksumAt   = 56 // the meta fields before the checksum
	metaSize         = 64
	elementSize      = 16 // branch: pos u32, ksize u32, pgid u64; leaf: flags u32, pos u32, ksize u32, vsize u32
	bucketHeaderSize = 16 // root u64, sequence u64

	flagBranch   = 0x01
	flagLeaf     = 0x02
	flagFreelist = 0x10
	bucketFlag   = 0x01
	noFreelist   = ^uint64(0)

	minPageSize = 1 << 10
	maxPageSize = 1 << 24
	// maxNesting bounds bucket nesting plus tree depth: infgen's file nests
	// two levels of buckets, and a B+tree of 4 KiB pages is a handful of
	// levels deep even for terabytes.
	maxNesting = 64
)

// ne is bbolt's byte order: it maps its structs onto the file as they are
// in memory.
var ne = binary.NativeEndian

// meta is the part of a meta page the checker uses.
type meta struct {
	pageSize uint64
	root     uint64
	freelist uint64
	pgid     uint64 // high-water mark: pages [0, pgid) are in use or free
	txid     uint64
}

// metaProblem says why a meta page is not valid, in bbolt's order (magic,
// version, checksum); "" if it is.
func readMeta(b []byte) (meta, string) {
	if len(b) < pageHeaderSize+metaSize {
		return meta{}, "too short"
	}
	m := b[pageHeaderSize : pageHeaderSize+metaSize]
	switch {
	case ne.Uint32(m[0:]) != boltMagic:
		return meta{}, "no bbolt magic number"
	case ne.Uint32(m[4:]) != boltVersion:
		return meta{}, fmt.Sprintf("bbolt format version %d, not %d", ne.Uint32(m[4:]), boltVersion)
	}
	h := fnv.New64a()
	h.Write(m[:metaChecksumAt])
	if h.Sum64() != ne.Uint64(m[metaChecksumAt:]) {
		return meta{}, "checksum mismatch"
	}
	return meta{
		pageSize: uint64(ne.Uint32(m[8:])),
		root:     ne.Uint64(m[16:]),
		freelist: ne.Uint64(m[32:]),
		pgid:     ne.Uint64(m[40:]),
		txid:     ne.Uint64(m[48:]),
	}, ""
}

// checkFile verifies that the file of the given size is an infgen state
// file bbolt can open and read without panicking: it picks the meta page
// bbolt would pick, checks that every page the last transaction uses lies
// inside the file, and walks the B+trees of every bucket, checking each
// page's identity, type and element bounds, key order, and that no page is
// used twice. Values are not read, only their bounds checked, so the cost
// is one read per page of the trees (bbolt's Open walks the same pages).
// The error is a *DamagedError.
func checkFile(r source, path string, size int64) error {
	damaged := func(format string, args ...any) error {
		return &DamagedError{Path: path, Problem: fmt.Sprintf(format, args...)}
	}
	notOurs := func(format string, args ...any) error {
		return &DamagedError{Path: path, Problem: fmt.Sprintf(format, args...), NotStateFile: true}
	}
	if size == 0 {
		return notOurs("it is empty (0 bytes), which a state file never is: it was truncated or created by another program")
	}

	// The page size, as bbolt's getPageSize finds it: from the first meta
	// page, else from the second one at each possible page size.
	// upTo reads at most 4 KiB at off, fewer at the end of the file.
	upTo := func(off int64) ([]byte, error) {
		b, err := r.at(uint64(off), uint64(min(0x1000, size-off)))
		if err != nil {
			return nil, fmt.Errorf("embedded storage: read %s: %w", path, err)
		}
		return b, nil
	}
	buf, err := upTo(0)
	if err != nil {
		return err
	}
	first, problem0 := readMeta(buf)
	var pageSize uint64
	canRead := len(buf) == 0x1000
	if canRead && problem0 == "" {
		pageSize = first.pageSize
	} else {
		for i := 0; i <= 14; i++ {
			pos := int64(1024) << i
			if pos >= size-1024 {
				break
			}
			buf, err := upTo(pos)
			if err != nil {
				return err
			}
			canRead = true
			if m, p := readMeta(buf); p == "" {
				pageSize = m.pageSize
				break
			}
		}
		if pageSize == 0 && canRead {
			pageSize = uint64(os.Getpagesize())
		}
	}
	if pageSize == 0 {
		if problem0 == "no bbolt magic number" || problem0 == "too short" {
			return notOurs("it is not a bbolt database (%d bytes without a valid header)", size)
		}
		return damaged("its header page is corrupt (%s) and no second header page was found", problem0)
	}
	if pageSize < minPageSize || pageSize > maxPageSize || pageSize&(pageSize-1) != 0 {
		return damaged("its header gives an impossible page size %d", pageSize)
	}
	if uint64(size) < 2*pageSize {
		return damaged("it is %d bytes, shorter than its two header pages of %d bytes: it was truncated", size, pageSize)
	}

	// The meta page bbolt uses: the valid one with the higher transaction id.
	metas := make([]meta, 2)
	problems := make([]string, 2)
	for i := range metas {
		b, err := r.at(uint64(i)*pageSize, pageHeaderSize+metaSize)
		if err != nil {
			return fmt.Errorf("embedded storage: read %s: %w", path, err)
		}
		metas[i], problems[i] = readMeta(b)
	}
	var m meta
	switch {
	case problems[0] != "" && problems[1] != "":
		if strings.HasPrefix(problems[0], "bbolt format version") {
			return notOurs("it was written by an incompatible version of bbolt (%s)", problems[0])
		}
		if problems[0] == "no bbolt magic number" && problems[1] == "no bbolt magic number" {
			return notOurs("it is not a bbolt database (%d bytes without a valid header)", size)
		}
		return damaged("both header pages are corrupt (%s; %s)", problems[0], problems[1])
	case problems[1] != "":
		m = metas[0]
	case problems[0] != "":
		m = metas[1]
	case metas[1].txid > metas[0].txid:
		m = metas[1]
	default:
		m = metas[0]
	}
	if m.pageSize != pageSize {
		return damaged("its header pages disagree on the page size (%d and %d)", pageSize, m.pageSize)
	}
	pages := uint64(size) / pageSize
	if m.pgid > pages {
		return damaged("it is %d bytes, but its last committed transaction (#%d) uses %d pages of %d bytes (%d bytes): it was truncated, by an interrupted copy for example",
			size, m.txid, m.pgid, pageSize, m.pgid*pageSize)
	}
	if m.pgid < 3 || m.root < 2 || m.root >= m.pgid {
		return damaged("its header points at page %d for the root of %d pages", m.root, m.pgid)
	}

	c := &checker{r: r, pageSize: pageSize, hwm: m.pgid, used: make([]uint64, (m.pgid+63)/64)}
	c.mark(0, 2) // the meta pages
	top, err := c.tree(m.root, nil, nil, 0)
	if err != nil {
		return damaged("%v", err)
	}
	if m.freelist != noFreelist {
		if err := c.freelist(m.freelist); err != nil {
			return damaged("%v", err)
		}
	}
	// An empty file bbolt initialised (a first Open that stopped before it
	// created the buckets) is fine; anything else must hold both buckets.
	if len(top) > 0 {
		if !slices.Contains(top, string(bucketRecords)) || !slices.Contains(top, string(bucketTags)) {
			names := top
			if len(names) > 5 {
				names = append(names[:5:5], "…")
			}
			return notOurs("it is a bbolt database with other contents (top-level buckets %q; infgen's are %q and %q)",
				names, bucketRecords, bucketTags)
		}
	}
	return nil
}

// source gives the checker the bytes of the file.
type source interface {
	// at returns n bytes at offset off, or an error if the file has fewer.
	at(off, n uint64) ([]byte, error)
}

// readerSource reads the file with ReadAt, one call per page.
type readerSource struct{ r io.ReaderAt }

func (s readerSource) at(off, n uint64) ([]byte, error) {
	b := make([]byte, n)
	if _, err := s.r.ReadAt(b, int64(off)); err != nil {
		return nil, err
	}
	return b, nil
}

// bytesSource is the file in memory (mapped: see check_mmap.go).
type bytesSource []byte

func (s bytesSource) at(off, n uint64) ([]byte, error) {
	if off > uint64(len(s)) || n > uint64(len(s))-off {
		return nil, io.ErrUnexpectedEOF
	}
	return s[off : off+n : off+n], nil
}

// checker walks the pages of one meta's trees.
type checker struct {
	r        source
	pageSize uint64
	hwm      uint64
	used     []uint64 // bit set of the pages met so far
}

// mark records pages [id, id+n) as used; false if one already was.
func (c *checker) mark(id, n uint64) bool {
	ok := true
	for p := id; p < id+n; p++ {
		w, b := p/64, uint64(1)<<(p%64)
		if c.used[w]&b != 0 {
			ok = false
		}
		c.used[w] |= b
	}
	return ok
}

// page is a page (with its overflow pages) of the file: its header, its
// first page of bytes and the means to read the rest.
type page struct {
	c        *checker
	id       uint64
	flags    uint16
	count    uint64
	size     uint64 // bytes, overflow pages included
	first    []byte
	overflow uint64
}

// within checks that n bytes at offset off lie inside the page.
func (p *page) within(off, n uint64) error {
	if off > p.size || n > p.size-off {
		return fmt.Errorf("page %d: an element points past the end of the page (%d+%d > %d bytes)", p.id, off, n, p.size)
	}
	return nil
}

// bytes returns n bytes at offset off of the page, or an error when they
// would lie outside it.
func (p *page) bytes(off, n uint64) ([]byte, error) {
	if err := p.within(off, n); err != nil {
		return nil, err
	}
	if off+n <= uint64(len(p.first)) {
		return p.first[off : off+n], nil
	}
	b, err := p.c.r.at(p.id*p.c.pageSize+off, n)
	if err != nil {
		return nil, fmt.Errorf("page %d: read: %w", p.id, err)
	}
	return b, nil
}

// read reads the page id, which what refers to, and marks it used.
func (c *checker) read(id uint64, what string) (*page, error) {
	if id < 2 || id >= c.hwm {
		return nil, fmt.Errorf("%s refers to page %d, outside the file's pages 2..%d", what, id, c.hwm-1)
	}
	b, err := c.r.at(id*c.pageSize, c.pageSize)
	if err != nil {
		return nil, fmt.Errorf("page %d: read: %w", id, err)
	}
	p := &page{
		c:        c,
		id:       id,
		flags:    ne.Uint16(b[8:]),
		count:    uint64(ne.Uint16(b[10:])),
		overflow: uint64(ne.Uint32(b[12:])),
		first:    b,
	}
	if got := ne.Uint64(b[0:]); got != id {
		return nil, fmt.Errorf("%s refers to page %d, which identifies itself as page %d", what, id, got)
	}
	if p.overflow >= c.hwm-id {
		return nil, fmt.Errorf("page %d: its %d overflow pages run past the file's %d pages", id, p.overflow, c.hwm)
	}
	p.size = (p.overflow + 1) * c.pageSize
	if !c.mark(id, p.overflow+1) {
		return nil, fmt.Errorf("page %d is used twice (%s refers to it)", id, what)
	}
	return p, nil
}

// element returns the 16-byte element i of a branch or leaf page.
func (p *page) element(i uint64) ([]byte, uint64, error) {
	off := pageHeaderSize + i*elementSize
	b, err := p.bytes(off, elementSize)
	return b, off, err
}

// tree checks the B+tree rooted at page id, whose keys must lie in
// [lo, hi) (nil: unbounded), and the buckets its leaves hold. It returns
// the keys of the bucket entries of a bucket's root tree (depth 0).
func (c *checker) tree(id uint64, lo, hi []byte, depth int) ([]string, error) {
	if depth > maxNesting {
		return nil, fmt.Errorf("page %d: buckets or trees nested deeper than %d levels", id, maxNesting)
	}
	p, err := c.read(id, "a tree")
	if err != nil {
		return nil, err
	}
	switch p.flags {
	case flagBranch:
		if p.count == 0 {
			return nil, fmt.Errorf("page %d: a branch page without elements", id)
		}
		keys := make([][]byte, p.count)
		children := make([]uint64, p.count)
		for i := range p.count {
			e, off, err := p.element(i)
			if err != nil {
				return nil, err
			}
			pos, ksize := uint64(ne.Uint32(e[0:])), uint64(ne.Uint32(e[4:]))
			if ksize == 0 {
				return nil, fmt.Errorf("page %d: element %d has an empty key", id, i)
			}
			if keys[i], err = p.bytes(off+pos, ksize); err != nil {
				return nil, err
			}
			children[i] = ne.Uint64(e[8:])
			if err := keyOrder(id, i, keys, lo, hi); err != nil {
				return nil, err
			}
		}
		var buckets []string
		for i := range p.count {
			next := hi
			if i+1 < p.count {
				next = keys[i+1]
			}
			names, err := c.tree(children[i], keys[i], next, depth+1)
			if err != nil {
				return nil, err
			}
			buckets = append(buckets, names...)
		}
		return buckets, nil
	case flagLeaf:
		return c.leaf(p, lo, hi, depth)
	}
	return nil, fmt.Errorf("page %d is of type %#x where a branch or leaf page is expected", id, p.flags)
}

// leaf checks the elements of a leaf page (or of an inline bucket's page)
// and the buckets it holds; it returns the bucket names.
func (c *checker) leaf(p *page, lo, hi []byte, depth int) ([]string, error) {
	keys := make([][]byte, p.count)
	var buckets []string
	for i := range p.count {
		e, off, err := p.element(i)
		if err != nil {
			return nil, err
		}
		flags, pos := ne.Uint32(e[0:]), uint64(ne.Uint32(e[4:]))
		ksize, vsize := uint64(ne.Uint32(e[8:])), uint64(ne.Uint32(e[12:]))
		if ksize == 0 {
			return nil, fmt.Errorf("page %d: element %d has an empty key", p.id, i)
		}
		if keys[i], err = p.bytes(off+pos, ksize); err != nil {
			return nil, err
		}
		if err := keyOrder(p.id, i, keys, lo, hi); err != nil {
			return nil, err
		}
		if err := p.within(off+pos+ksize, vsize); err != nil {
			return nil, err
		}
		if flags&bucketFlag == 0 {
			continue
		}
		if vsize < bucketHeaderSize {
			return nil, fmt.Errorf("page %d: bucket %q has a %d-byte header, want %d", p.id, keys[i], vsize, bucketHeaderSize)
		}
		v, err := p.bytes(off+pos+ksize, vsize)
		if err != nil {
			return nil, err
		}
		buckets = append(buckets, string(keys[i]))
		if root := ne.Uint64(v[0:]); root != 0 {
			if _, err := c.tree(root, nil, nil, depth+1); err != nil {
				return nil, fmt.Errorf("bucket %q: %w", keys[i], err)
			}
			continue
		}
		if err := c.inline(v[bucketHeaderSize:], keys[i], depth+1); err != nil {
			return nil, fmt.Errorf("bucket %q: %w", keys[i], err)
		}
	}
	return buckets, nil
}

// inline checks the page of a bucket stored inside its parent's value.
func (c *checker) inline(b []byte, name []byte, depth int) error {
	if depth > maxNesting {
		return fmt.Errorf("buckets nested deeper than %d levels", maxNesting)
	}
	if len(b) < pageHeaderSize {
		return fmt.Errorf("its inline page is %d bytes, shorter than a page header", len(b))
	}
	p := &page{c: c, flags: ne.Uint16(b[8:]), count: uint64(ne.Uint16(b[10:])), size: uint64(len(b)), first: b}
	if p.flags != flagLeaf {
		return fmt.Errorf("its inline page is of type %#x, not a leaf", p.flags)
	}
	_, err := c.leaf(p, nil, nil, depth)
	return err
}

// keyOrder checks that key i of a page is greater than key i-1 and inside
// [lo, hi), as bbolt's searches assume.
func keyOrder(id, i uint64, keys [][]byte, lo, hi []byte) error {
	k := keys[i]
	switch {
	case i > 0 && bytes.Compare(keys[i-1], k) >= 0:
		return fmt.Errorf("page %d: key %d is not greater than the key before it", id, i)
	case i == 0 && lo != nil && bytes.Compare(k, lo) < 0:
		return fmt.Errorf("page %d: its first key sorts before the key of its parent", id)
	case hi != nil && bytes.Compare(k, hi) >= 0:
		return fmt.Errorf("page %d: key %d sorts after the next key of its parent", id, i)
	}
	return nil
}

// freelist checks a freelist page written by a bbolt that syncs it (infgen
// does not, but bbolt reads one if it is there): its ids must be free pages
// inside the file, each listed once.
func (c *checker) freelist(id uint64) error {
	p, err := c.read(id, "the header's freelist")
	if err != nil {
		return err
	}
	if p.flags != flagFreelist {
		return fmt.Errorf("freelist page %d is of type %#x", id, p.flags)
	}
	start, count := uint64(0), p.count
	if count == 0xFFFF {
		b, err := p.bytes(pageHeaderSize, 8)
		if err != nil {
			return err
		}
		start, count = 1, ne.Uint64(b)
	}
	if count > c.hwm {
		return fmt.Errorf("freelist page %d lists %d pages of %d", id, count, c.hwm)
	}
	ids, err := p.bytes(pageHeaderSize+start*8, count*8)
	if err != nil {
		return err
	}
	for i := range count {
		f := ne.Uint64(ids[i*8:])
		if f < 2 || f >= c.hwm {
			return fmt.Errorf("freelist page %d lists page %d, outside the file's pages 2..%d", id, f, c.hwm-1)
		}
		if !c.mark(f, 1) {
			return fmt.Errorf("freelist page %d lists page %d, which is in use or listed twice", id, f)
		}
	}
	return nil
}
