package pack

import (
	"reflect"
	"testing"
)

func TestGreedyFillsEachRunToTheBudget(t *testing.T) {
	size := func(n int) int { return n }
	for _, c := range []struct {
		items        []int
		budget, maxN int
		want         [][]int
	}{
		{[]int{3, 3, 3, 3}, 7, 0, [][]int{{3, 3}, {3, 3}}},
		// exactly the budget fits
		{[]int{4, 3, 7}, 7, 0, [][]int{{4, 3}, {7}}},
		// an item over the budget alone gets a run of its own, in order
		{[]int{2, 20, 2}, 7, 0, [][]int{{2}, {20}, {2}}},
		// the count limit cuts before the budget does
		{[]int{1, 1, 1, 1, 1}, 100, 2, [][]int{{1, 1}, {1, 1}, {1}}},
		{nil, 7, 0, nil},
	} {
		if got := Greedy(c.items, c.budget, c.maxN, size); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Greedy(%v, budget %d, max %d) = %v, want %v", c.items, c.budget, c.maxN, got, c.want)
		}
	}
}

func TestHalvesSplitsNearTheMiddleOfTheCost(t *testing.T) {
	size := func(n int) int { return n }
	for _, c := range []struct {
		items       []int
		first, rest []int
	}{
		{[]int{1, 1}, []int{1}, []int{1}},
		{[]int{1, 1, 1, 1}, []int{1, 1}, []int{1, 1}},
		// by cost, not by count
		{[]int{9, 1, 1, 1, 1}, []int{9}, []int{1, 1, 1, 1}},
		{[]int{1, 1, 1, 6}, []int{1, 1, 1}, []int{6}},
		// never an empty half, even when one item outweighs the rest
		{[]int{100, 1}, []int{100}, []int{1}},
		{[]int{1, 100}, []int{1}, []int{100}},
	} {
		a, b := Halves(c.items, size)
		if !reflect.DeepEqual(a, c.first) || !reflect.DeepEqual(b, c.rest) {
			t.Errorf("Halves(%v) = %v | %v, want %v | %v", c.items, a, b, c.first, c.rest)
		}
	}
}
