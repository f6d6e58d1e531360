// Package pack fills requests and files to a budget: the one greedy packer
// behind the digest's story batches, the review's paragraph batches and the
// Batch API's request files.
package pack

// Greedy cuts items, in order, into runs whose summed cost stays within
// budget and that hold at most maxItems each (0: no count limit). An item
// over budget on its own still gets a run of its own, so nothing is lost.
func Greedy[T any](items []T, budget, maxItems int, cost func(T) int) [][]T {
	var out [][]T
	var cur []T
	used := 0
	for _, it := range items {
		n := cost(it)
		if len(cur) > 0 && (used+n > budget || maxItems > 0 && len(cur) >= maxItems) {
			out = append(out, cur)
			cur, used = nil, 0
		}
		cur = append(cur, it)
		used += n
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}
