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

// Halves cuts items (at least two) in two non-empty runs whose costs are as
// close to equal as the items allow: the one middle-split behind a part
// redone smaller and a paragraph cut on sentences.
func Halves[T any](items []T, cost func(T) int) (first, second []T) {
	total := 0
	for _, it := range items {
		total += cost(it)
	}
	best, bestDiff, acc := 1, total, 0
	for k := 1; k < len(items); k++ {
		acc += cost(items[k-1])
		if d := max(total-2*acc, 2*acc-total); d < bestDiff {
			best, bestDiff = k, d
		}
	}
	return items[:best], items[best:]
}
