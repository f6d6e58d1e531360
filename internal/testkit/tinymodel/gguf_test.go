package tinymodel

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"strings"
	"testing"
)

// reader decodes just enough GGUF to check what Write produced: the layout
// llama.cpp and Ollama read (a wrong offset or alignment makes `ollama
// create` fail or load garbage, which the live suite alone would report far
// from the cause).
type reader struct {
	t *testing.T
	r *bytes.Reader
}

func (d reader) u32() uint32 {
	var v uint32
	if err := binary.Read(d.r, binary.LittleEndian, &v); err != nil {
		d.t.Fatal(err)
	}
	return v
}

func (d reader) u64() uint64 {
	var v uint64
	if err := binary.Read(d.r, binary.LittleEndian, &v); err != nil {
		d.t.Fatal(err)
	}
	return v
}

func (d reader) str() string {
	b := make([]byte, d.u64())
	if _, err := io.ReadFull(d.r, b); err != nil {
		d.t.Fatal(err)
	}
	return string(b)
}

func (d reader) value(typ uint32) any {
	switch typ {
	case typeUint32, typeInt32:
		return d.u32()
	case typeFloat32:
		return math.Float32frombits(d.u32())
	case typeBool:
		b, _ := d.r.ReadByte()
		return b == 1
	case typeString:
		return d.str()
	case typeArray:
		elem, n := d.u32(), d.u64()
		out := make([]any, n)
		for i := range out {
			out[i] = d.value(elem)
		}
		return out
	}
	d.t.Fatalf("unknown GGUF type %d", typ)
	return nil
}

func TestWriteLayout(t *testing.T) {
	var buf bytes.Buffer
	c := Default()
	if err := Write(&buf, c); err != nil {
		t.Fatal(err)
	}
	if n := buf.Len(); n < 100<<10 || n > 1<<20 {
		t.Errorf("model is %d bytes, want a few hundred KB", n)
	}
	d := reader{t, bytes.NewReader(buf.Bytes())}
	if magic := d.u32(); magic != 0x46554747 || d.u32() != 3 {
		t.Fatalf("not a GGUF v3 header")
	}
	nt, nkv := d.u64(), d.u64()
	kvs := map[string]any{}
	for range nkv {
		k := d.str()
		kvs[k] = d.value(d.u32())
	}
	for k, want := range map[string]any{
		"general.architecture": "llama", "llama.context_length": uint32(4096),
		"llama.block_count": uint32(2), "tokenizer.ggml.model": "llama",
	} {
		if kvs[k] != want {
			t.Errorf("%s = %v, want %v", k, kvs[k], want)
		}
	}
	toks := kvs["tokenizer.ggml.tokens"].([]any)
	if len(toks) != 260 || toks[3+'A'] != "<0x41>" || len(kvs["tokenizer.ggml.token_type"].([]any)) != len(toks) {
		t.Errorf("vocabulary: %d tokens, want 3 control + 256 bytes + ▁", len(toks))
	}

	type info struct {
		name        string
		elems, offs uint64
	}
	var infos []info
	for range nt {
		name := d.str()
		n := uint64(1)
		for range d.u32() {
			n *= d.u64()
		}
		if typ := d.u32(); typ != ggmlF32 {
			t.Errorf("%s: type %d, want F32", name, typ)
		}
		infos = append(infos, info{name, n, d.u64()})
	}
	dataStart := align(uint64(buf.Len() - d.r.Len()))
	var want uint64
	for _, in := range infos {
		if in.offs != want || in.offs%alignment != 0 {
			t.Errorf("%s at offset %d, want %d (aligned to %d)", in.name, in.offs, want, alignment)
		}
		want = align(in.offs + in.elems*4)
	}
	if got := uint64(buf.Len()); got != dataStart+want {
		t.Errorf("file is %d bytes, tensor infos say %d", got, dataStart+want)
	}
	last := infos[len(infos)-1]
	if !strings.HasPrefix(infos[0].name, "token_embd") || last.name != "output.weight" {
		t.Errorf("tensors %s ... %s", infos[0].name, last.name)
	}
	norm := buf.Bytes()[dataStart+infos[len(infos)-2].offs:][:4]
	if f := math.Float32frombits(binary.LittleEndian.Uint32(norm)); f != 1 {
		t.Errorf("output_norm starts with %v, want 1", f)
	}
}

func TestWriteRejectsBadShape(t *testing.T) {
	c := Default()
	c.Heads = 3 // 64 is not a multiple of 3
	if err := Write(io.Discard, c); err == nil {
		t.Fatal("Write accepted a hidden size the heads do not divide")
	}
}
