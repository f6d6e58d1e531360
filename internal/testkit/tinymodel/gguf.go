// Package tinymodel writes a random-weight llama model in GGUF, small
// enough to keep in CI and with the worst tokenizer there is: a
// byte-fallback vocabulary that spends about one token per byte of Danish.
// The live tests serve it with a real Ollama so that brief meets a server
// whose token counts its own estimate gets wrong.
package tinymodel

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
)

// GGUF value types (gguf.h).
const (
	typeUint32  = 4
	typeInt32   = 5
	typeFloat32 = 6
	typeBool    = 7
	typeString  = 8
	typeArray   = 9
)

const (
	ggmlF32   = 0  // tensor element type
	alignment = 32 // GGUF default, general.alignment
)

// kv is one metadata pair; value is one of uint32, int32, float32, bool,
// string, []string, []float32 or []int32.
type kv struct {
	key   string
	value any
}

// tensor is one F32 tensor; dims are GGUF order (innermost first).
type tensor struct {
	name string
	dims []uint64
	data []float32
}

func (t tensor) size() uint64 { return uint64(len(t.data)) * 4 }

// gguf is a whole file: metadata and tensors, written by writeTo.
type gguf struct {
	kvs     []kv
	tensors []tensor
}

// writeTo writes GGUF version 3: header, metadata, tensor infos, padding,
// then the tensor data, each tensor aligned to 32 bytes.
func (g *gguf) writeTo(w io.Writer) error {
	bw := bufio.NewWriter(w)
	e := &encoder{w: bw}
	e.raw([]byte("GGUF"))
	e.u32(3)
	e.u64(uint64(len(g.tensors)))
	e.u64(uint64(len(g.kvs)))
	for _, p := range g.kvs {
		e.str(p.key)
		e.value(p.value)
	}
	var offset uint64
	for _, t := range g.tensors {
		e.str(t.name)
		e.u32(uint32(len(t.dims)))
		for _, d := range t.dims {
			e.u64(d)
		}
		e.u32(ggmlF32)
		e.u64(offset)
		offset = align(offset + t.size())
	}
	e.pad()
	for _, t := range g.tensors {
		for _, f := range t.data {
			e.u32(math.Float32bits(f))
		}
		e.pad()
	}
	if e.err != nil {
		return e.err
	}
	return bw.Flush()
}

func align(n uint64) uint64 { return (n + alignment - 1) / alignment * alignment }

// encoder writes little-endian GGUF values and keeps the first error.
type encoder struct {
	w   io.Writer
	n   uint64
	err error
}

func (e *encoder) raw(b []byte) {
	if e.err != nil {
		return
	}
	var k int
	k, e.err = e.w.Write(b)
	e.n += uint64(k)
}

func (e *encoder) u32(v uint32) { e.raw(binary.LittleEndian.AppendUint32(nil, v)) }
func (e *encoder) u64(v uint64) { e.raw(binary.LittleEndian.AppendUint64(nil, v)) }

func (e *encoder) str(s string) {
	e.u64(uint64(len(s)))
	e.raw([]byte(s))
}

func (e *encoder) pad() {
	if rem := align(e.n) - e.n; rem > 0 {
		e.raw(make([]byte, rem))
	}
}

func (e *encoder) value(v any) {
	switch v := v.(type) {
	case uint32:
		e.u32(typeUint32)
		e.u32(v)
	case int32:
		e.u32(typeInt32)
		e.u32(uint32(v))
	case float32:
		e.u32(typeFloat32)
		e.u32(math.Float32bits(v))
	case bool:
		e.u32(typeBool)
		if v {
			e.raw([]byte{1})
		} else {
			e.raw([]byte{0})
		}
	case string:
		e.u32(typeString)
		e.str(v)
	case []string:
		e.array(typeString, len(v))
		for _, s := range v {
			e.str(s)
		}
	case []float32:
		e.array(typeFloat32, len(v))
		for _, f := range v {
			e.u32(math.Float32bits(f))
		}
	case []int32:
		e.array(typeInt32, len(v))
		for _, i := range v {
			e.u32(uint32(i))
		}
	default:
		e.err = fmt.Errorf("gguf: no encoding for %T", v)
	}
}

func (e *encoder) array(elem uint32, n int) {
	e.u32(typeArray)
	e.u32(elem)
	e.u64(uint64(n))
}

// randomTensor fills a tensor with N(0, std²) values from rng.
func randomTensor(rng *rand.Rand, name string, std float64, dims ...uint64) tensor {
	n := uint64(1)
	for _, d := range dims {
		n *= d
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(rng.NormFloat64() * std)
	}
	return tensor{name: name, dims: dims, data: data}
}

// onesTensor is a norm weight: multiplying by one leaves the input alone.
func onesTensor(name string, n uint64) tensor {
	data := make([]float32, n)
	for i := range data {
		data[i] = 1
	}
	return tensor{name: name, dims: []uint64{n}, data: data}
}
