"""The GRU cell and bidirectional GRU against PyTorch's (float64), and the acoustic model's shapes."""

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from implementations.ctc.model import AcousticModel, BidirectionalGRU, GRUCell

D = torch.float64


def copy_from_torch(ours: GRUCell, w_ih, w_hh, b_ih):
    """PyTorch stacks (r, z, n) and uses h' = (1-z) n + z h; Deep Speech 2 stacks (z, r, h~) with
    h' = (1-z) h + z h~, so z_ours = 1 - z_torch: the update gate's weights flip sign."""
    r, z, n = w_ih.chunk(3)
    hr, hz, hn = w_hh.chunk(3)
    br, bz, bn = b_ih.chunk(3)
    with torch.no_grad():
        ours.input_projection.weight.copy_(torch.cat([-z, r, n]))
        ours.input_projection.bias.copy_(torch.cat([-bz, br, bn]))
        ours.hidden_projection.weight.copy_(torch.cat([-hz, hr, hn]))


def test_gru_cell_matches_torch():
    torch.manual_seed(0)
    ref = torch.nn.GRUCell(3, 5).double()
    with torch.no_grad():
        ref.bias_hh.zero_()   # ours has a single bias per gate, on the input side
    ours = GRUCell(3, 5).double()
    copy_from_torch(ours, ref.weight_ih, ref.weight_hh, ref.bias_ih)
    x = torch.randn(4, 3, dtype=D, requires_grad=True)
    h = torch.randn(4, 5, dtype=D)
    out, out_ref = ours(ours.input_projection(x), h), ref(x, h)
    torch.testing.assert_close(out, out_ref)
    torch.testing.assert_close(torch.autograd.grad(out.sum(), x)[0], torch.autograd.grad(out_ref.sum(), x)[0])


def test_bidirectional_gru_matches_torch_on_padded_batch():
    torch.manual_seed(0)
    ref = torch.nn.GRU(3, 4, bidirectional=True).double()
    with torch.no_grad():
        ref.bias_hh_l0.zero_()
        ref.bias_hh_l0_reverse.zero_()
    ours = BidirectionalGRU(3, 4).double()
    copy_from_torch(ours.forward_cell, ref.weight_ih_l0, ref.weight_hh_l0, ref.bias_ih_l0)
    copy_from_torch(ours.backward_cell, ref.weight_ih_l0_reverse, ref.weight_hh_l0_reverse, ref.bias_ih_l0_reverse)
    lengths = torch.tensor([6, 3, 5])
    x = torch.randn(6, 3, 3, dtype=D, requires_grad=True)
    out = ours(x, lengths)
    out_ref, _ = pad_packed_sequence(ref(pack_padded_sequence(x, lengths, enforce_sorted=False))[0])
    valid = (torch.arange(6)[:, None] < lengths).unsqueeze(-1).to(D)
    torch.testing.assert_close(out * valid, out_ref)
    weights = torch.randn(out.shape, dtype=D, generator=torch.Generator().manual_seed(1)) * valid
    (g,) = torch.autograd.grad((out * weights).sum(), x)
    (g_ref,) = torch.autograd.grad((out_ref * weights).sum(), x)
    torch.testing.assert_close(g, g_ref)


def test_acoustic_model_shapes_and_normalised_outputs():
    torch.manual_seed(0)
    model = AcousticModel(freq_bins=16, num_classes=11, channels=2, hidden_size=6)
    x = torch.randn(3, 16, 13)
    lengths = torch.tensor([13, 8, 1])
    log_probs, out_lengths = model(x, lengths)
    assert log_probs.shape == (7, 3, 11)
    assert out_lengths.tolist() == [7, 4, 1]
    torch.testing.assert_close(log_probs.exp().sum(-1), torch.ones(7, 3))
