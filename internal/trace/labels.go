package trace

// label is one of tshark's TCP expert-analysis labels, as a bit so that a
// packet's labels fit in one word.
type label uint32

const (
	lblRetransmission label = 1 << iota
	lblFastRetransmission
	lblSpuriousRetransmission
	lblOutOfOrder
	lblLostSegment // "Previous segment not captured"
	lblAckedUnseen
	lblWindowUpdate
	lblWindowFull
	lblKeepAlive
	lblKeepAliveACK
	lblDupACK
	lblZeroWindowProbe
	lblZeroWindow
	lblZeroWindowProbeACK
)

const lblAnyRetransmission = lblRetransmission | lblFastRetransmission | lblSpuriousRetransmission

// labelOrder lists labels in the order Wireshark's
// tcp_print_sequence_number_analysis tests them. Each one is prepended to
// the Info column, so they appear in the reverse of this order.
var labelOrder = [...]struct {
	l    label
	text string
}{
	{lblRetransmission, "TCP Retransmission"},
	{lblFastRetransmission, "TCP Fast Retransmission"},
	{lblSpuriousRetransmission, "TCP Spurious Retransmission"},
	{lblOutOfOrder, "TCP Out-Of-Order"},
	{lblLostSegment, "TCP Previous segment not captured"},
	{lblAckedUnseen, "TCP ACKed unseen segment"},
	{lblWindowUpdate, "TCP Window Update"},
	{lblWindowFull, "TCP Window Full"},
	{lblKeepAlive, "TCP Keep-Alive"},
	{lblKeepAliveACK, "TCP Keep-Alive ACK"},
	{lblDupACK, "TCP Dup ACK"}, // printed with "frame#n"
	{lblZeroWindowProbe, "TCP ZeroWindowProbe"},
	{lblZeroWindow, "TCP ZeroWindow"},
	{lblZeroWindowProbeACK, "TCP ZeroWindowProbeAck"},
}
