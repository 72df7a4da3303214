package servers

import (
	"hash/fnv"
	"net/http"
	"regexp"
	"sync/atomic"
)

// unitPriceCents is the price of one metered unit.
const unitPriceCents = 12

var monthPattern = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}$`)

// consumptionReply is the body of GET /customers/{customerId}/consumption.
type consumptionReply struct {
	CustomerID     string `json:"customerId"`
	Month          string `json:"month"`
	Units          int64  `json:"units"`
	UnitPriceCents int64  `json:"unitPriceCents"`
	AmountCents    int64  `json:"amountCents"`
	Currency       string `json:"currency"`
}

// consumptionServer meters customers: a customer's consumption for a month
// is derived from a hash of both, so it is the same on every call.
type consumptionServer struct {
	requests atomic.Int64
}

func (s *consumptionServer) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /customers/{customerId}/consumption", s.get)
	return mux
}

func (s *consumptionServer) get(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	customer, month := r.PathValue("customerId"), r.URL.Query().Get("month")
	if !monthPattern.MatchString(month) {
		writeProblem(w, http.StatusBadRequest, "Invalid month", "month must be YYYY-MM, got "+month)
		return
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(customer + "/" + month))
	units := int64(50 + h.Sum32()%450)
	writeJSON(w, http.StatusOK, consumptionReply{
		CustomerID: customer, Month: month, Units: units,
		UnitPriceCents: unitPriceCents, AmountCents: units * unitPriceCents, Currency: "EUR",
	})
}
