"""Array mode: every array rule against HIPS autograd and central differences, forward mode
against reverse mode, MLP graphs, steps and Jacobian shapes."""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import autodiff_viz as adv
from autodiff_viz.core import PRIMITIVES, DomainError
from autodiff_viz.core.arrays import ARRAY_OPS, jacobian_shape
from autodiff_viz.core.mlp import MLPSpec, build
from autodiff_viz.core.passes import evaluate

RNG = np.random.default_rng(20261128)


def central_diff(f, x, h=1e-6):
    """Gradient of scalar ``f`` at array ``x`` by central differences (every coordinate)."""
    x = np.array(x, dtype=float)
    out = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        out[i] = (up - down) / (2 * h)
    return out


# --- the public contract ----------------------------------------------------------------

def test_design_contract_example_matches_autograd():
    W, b, X = RNG.normal(size=(3, 4)), RNG.normal(size=4), RNG.normal(size=(5, 3))
    g = adv.graph(lambda W, b, X: adv.mean(adv.sum(adv.square(adv.tanh(X @ W + b)), axis=1)))
    run = g.evaluate(W=W, b=b, X=X)

    def ref(W, b, X):
        return anp.mean(anp.sum(anp.tanh(anp.dot(X, W) + b) ** 2, axis=1))

    assert type(run.value) is float
    assert run.value == pytest.approx(ref(W, b, X), rel=1e-12)
    for k, name in enumerate("WbX"):
        expected = autograd.grad(ref, k)(W, b, X)
        assert isinstance(run.grad[name], np.ndarray)
        assert run.grad[name].shape == expected.shape
        np.testing.assert_allclose(run.grad[name], expected, rtol=1e-10, atol=1e-12)


def test_issue_example_two_layers():
    shapes = {"W1": (3, 5), "b1": (5,), "W2": (5, 2), "b2": (2,), "X": (7, 3), "T": (7, 2)}
    vals = {k: RNG.normal(size=s) for k, s in shapes.items()}
    g = adv.graph(lambda W1, b1, W2, b2, X, T: adv.mean(adv.sum(
        adv.square(adv.tanh(X @ W1 + b1) @ W2 + b2 - T), axis=1)))
    run = g.evaluate(**vals)

    def ref(W1, b1, W2, b2, X, T):
        return anp.mean(anp.sum((anp.dot(anp.tanh(anp.dot(X, W1) + b1), W2) + b2 - T) ** 2,
                                axis=1))

    args = [vals[k] for k in shapes]
    assert run.value == pytest.approx(ref(*args), rel=1e-12)
    for k, name in enumerate(shapes):
        np.testing.assert_allclose(run.grad[name], autograd.grad(ref, k)(*args), rtol=1e-10,
                                   atol=1e-12)
        assert run.grad[name].shape == shapes[name]


def test_same_names_work_on_scalars_and_arrays():
    # adv.sum/mean/matmul on scalars: the scalar engine path, checked by central differences
    g = adv.graph(lambda x, y: adv.sum(adv.tanh(x) * y) + adv.mean(adv.exp(x)) + x @ y)
    run = g.evaluate(x=0.3, y=-1.2)

    def f(v):
        x, y = v
        return np.tanh(x) * y + np.exp(x) + x * y

    assert type(run.value) is float
    np.testing.assert_allclose([run.grad["x"], run.grad["y"]], central_diff(f, [0.3, -1.2]),
                               rtol=1e-7)
    # the same function on arrays
    x, y = RNG.normal(size=4), RNG.normal(size=4)
    run = g.evaluate(x=x, y=y)

    def fa(x, y):
        return anp.sum(anp.tanh(x) * y) + anp.mean(anp.exp(x)) + anp.dot(x, y)

    np.testing.assert_allclose(run.grad["x"], autograd.grad(fa, 0)(x, y), rtol=1e-10)
    np.testing.assert_allclose(run.grad["y"], autograd.grad(fa, 1)(x, y), rtol=1e-10)


def test_functions_compute_on_numbers_without_tracing():
    a = RNG.normal(size=(3, 4))
    np.testing.assert_allclose(adv.sum(a, axis=0), a.sum(axis=0))
    np.testing.assert_allclose(adv.mean(a, axis=-1), a.mean(axis=-1))
    assert adv.sum(a) == pytest.approx(a.sum())
    np.testing.assert_allclose(adv.matmul(a, a.T), a @ a.T)
    np.testing.assert_allclose(adv.transpose(a), a.T)
    np.testing.assert_allclose(adv.tanh(a), np.tanh(a))


# --- every array rule against autograd ---------------------------------------------------

def _lsm(z):
    m = anp.max(z, axis=-1, keepdims=True)
    return z - m - anp.log(anp.sum(anp.exp(z - m), axis=-1, keepdims=True))


# (name, traced function, autograd reference, argument shapes)
CASES = [
    ("matmul 2d@2d", lambda a, b: a @ b, lambda a, b: anp.matmul(a, b), [(3, 4), (4, 2)]),
    ("matmul 1d@2d", lambda a, b: a @ b, lambda a, b: anp.matmul(a, b), [(4,), (4, 2)]),
    ("matmul 2d@1d", lambda a, b: a @ b, lambda a, b: anp.matmul(a, b), [(3, 4), (4,)]),
    ("matmul 1d@1d", lambda a, b: a @ b, lambda a, b: anp.matmul(a, b), [(4,), (4,)]),
    ("matmul batched", lambda a, b: a @ b, lambda a, b: anp.matmul(a, b), [(2, 3, 4), (4, 5)]),
    ("affine", lambda x, w, b: adv.affine(x, w, b), lambda x, w, b: anp.dot(x, w) + b,
     [(5, 3), (3, 2), (2,)]),
    ("affine 1d", lambda x, w, b: adv.affine(x, w, b), lambda x, w, b: anp.dot(x, w) + b,
     [(3,), (3, 2), (2,)]),
    ("transpose", lambda a: adv.transpose(a), lambda a: anp.transpose(a), [(3, 4)]),
    ("sum", lambda a: adv.sum(a), lambda a: anp.sum(a), [(3, 4)]),
    ("mean", lambda a: adv.mean(a), lambda a: anp.mean(a), [(3, 4)]),
    ("sumsq", lambda a: adv.sumsq(a), lambda a: anp.sum(a * a), [(3, 4)]),
    ("mse", lambda p, t: adv.mse(p, t), lambda p, t: anp.mean((p - t) ** 2), [(6, 2), (6, 2)]),
    ("mse broadcast", lambda p, t: adv.mse(p, t), lambda p, t: anp.mean((p - t) ** 2),
     [(6, 2), (2,)]),
    ("softmax_ce", lambda z, t: adv.softmax_cross_entropy(z, t),
     lambda z, t: -anp.sum(t * _lsm(z)) / z.shape[0], [(5, 3), (5, 3)]),
    ("softmax_ce 1d", lambda z, t: adv.softmax_cross_entropy(z, t),
     lambda z, t: -anp.sum(t * _lsm(z)), [(4,), (4,)]),
    ("add bias", lambda a, b: a + b, lambda a, b: a + b, [(5, 3), (3,)]),
    ("sub column", lambda a, b: a - b, lambda a, b: a - b, [(5, 3), (5, 1)]),
    ("mul broadcast", lambda a, b: a * b, lambda a, b: a * b, [(5, 3), (1, 3)]),
    ("div", lambda a, b: a / (b * b + 1.0), lambda a, b: a / (b * b + 1.0), [(5, 3), (3,)]),
    ("scalar times array", lambda a, s: s * a, lambda a, s: s * a, [(5, 3), ()]),
    ("pow const", lambda a: a ** 3, lambda a: a ** 3, [(4, 2)]),
    ("tanh", lambda a: adv.tanh(a), lambda a: anp.tanh(a), [(4, 3)]),
    ("relu", lambda a: adv.relu(a), lambda a: anp.maximum(a, 0.0), [(4, 3)]),
    ("sigmoid", lambda a: adv.sigmoid(a), lambda a: 1 / (1 + anp.exp(-a)), [(4, 3)]),
    ("exp", lambda a: adv.exp(a), lambda a: anp.exp(a), [(4, 3)]),
    ("log", lambda a: adv.log(adv.square(a) + 0.5), lambda a: anp.log(a ** 2 + 0.5),
     [(4, 3)]),
    ("square", lambda a: adv.square(a), lambda a: a ** 2, [(4, 3)]),
    ("sqrt", lambda a: adv.sqrt(adv.exp(a)), lambda a: anp.sqrt(anp.exp(a)), [(4, 3)]),
    ("neg", lambda a: -a, lambda a: -a, [(4, 3)]),
] + [
    (f"{kind} axis {axis}", (lambda k, ax: lambda a: getattr(adv, k)(a, axis=ax))(kind, axis),
     (lambda k, ax: lambda a: getattr(anp, k)(a, axis=ax))(kind, axis), [(2, 3, 4)])
    for kind in ("sum", "mean") for axis in (0, 1, 2, -1)
]


def _weighted(fn, arity):
    """The graph of Σ V ⊙ fn(a0, …): its gradient with respect to a_k is the VJP Jᵀ V."""
    if arity == 1:
        return adv.graph(lambda a0, V: adv.sum(fn(a0) * V))
    if arity == 2:
        return adv.graph(lambda a0, a1, V: adv.sum(fn(a0, a1) * V))
    return adv.graph(lambda a0, a1, a2, V: adv.sum(fn(a0, a1, a2) * V))


def _args(shapes):
    return [RNG.normal(size=s) if s else float(RNG.normal()) for s in shapes]


@pytest.mark.parametrize("name,fn,ref,shapes", CASES, ids=[c[0] for c in CASES])
def test_vjp_matches_autograd_with_random_cotangent(name, fn, ref, shapes):
    args = _args(shapes)
    out_shape = np.shape(ref(*args))
    V = RNG.normal(size=out_shape) if out_shape else float(RNG.normal())
    names = [f"a{i}" for i in range(len(shapes))]
    run = _weighted(fn, len(shapes)).evaluate(**dict(zip(names, args, strict=True)), V=V)

    def scalarised(*a):
        return anp.sum(ref(*a) * V)

    assert run.value == pytest.approx(scalarised(*args), rel=1e-10, abs=1e-12)
    for k, n in enumerate(names):
        expected = autograd.grad(scalarised, k)(*args)
        assert np.shape(run.grad[n]) == np.shape(args[k])
        np.testing.assert_allclose(run.grad[n], expected, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("name,fn,ref,shapes", CASES, ids=[c[0] for c in CASES])
def test_forward_mode_jvp_equals_reverse_mode_vjp(name, fn, ref, shapes):
    """⟨v, J u⟩ from a forward-mode sweep equals ⟨Jᵀ v, u⟩ from the reverse pass."""
    args = _args(shapes)
    out_shape = np.shape(ref(*args))
    V = RNG.normal(size=out_shape) if out_shape else float(RNG.normal())
    names = [f"a{i}" for i in range(len(shapes))]
    run = _weighted(fn, len(shapes)).evaluate(**dict(zip(names, args, strict=True)), V=V)
    for n, a in zip(names, args, strict=True):
        U = RNG.normal(size=np.shape(a)) if np.shape(a) else float(RNG.normal())
        jvp = run.forward_mode(n, direction=U).value
        assert jvp == pytest.approx(float(np.sum(run.grad[n] * U)), rel=1e-9, abs=1e-11)


@pytest.mark.parametrize("op", ARRAY_OPS)
def test_row_rules_agree_with_central_differences(op):
    """Each row's jvp against a central difference of its value along a random direction,
    and its vjp by the ⟨v, J u⟩ identity."""
    row = PRIMITIVES[op]
    shapes = {"matmul": [(3, 4), (4, 2)], "affine": [(3, 4), (4, 2), (2,)],
              "mse": [(3, 2), (3, 2)], "softmax_ce": [(3, 4), (3, 4)]}
    args = _args(shapes.get(op, [(2, 3, 4)]))
    if op == "softmax_ce":
        args[1] = np.abs(args[1])
    out = row.value(*args)
    v = RNG.normal(size=np.shape(out)) if np.shape(out) else float(RNG.normal())
    h = 1e-6
    for pos in range(row.arity):
        u = RNG.normal(size=np.shape(args[pos]))
        up = list(args)
        down = list(args)
        up[pos] = args[pos] + h * u
        down[pos] = args[pos] - h * u
        numeric = (np.asarray(row.value(*up)) - np.asarray(row.value(*down))) / (2 * h)
        jvp = row.jvp(pos, u, tuple(args), out)
        np.testing.assert_allclose(jvp, numeric, rtol=1e-6, atol=1e-8)
        vjp = row.vjp(pos, v, tuple(args), out)
        assert np.shape(vjp) == np.shape(args[pos])
        assert float(np.sum(vjp * u)) == pytest.approx(float(np.sum(v * jvp)), rel=1e-9)


@pytest.mark.parametrize("op", ARRAY_OPS)
def test_row_scalar_partials_match_central_differences(op):
    """On plain numbers an array row is an ordinary function: its partials (and its vjp/jvp)
    match central differences of its value. Array rows have no sympy form."""
    row = PRIMITIVES[op]
    assert row.sympy is None
    vals = [float(v) for v in RNG.uniform(0.5, 2.0, size=row.arity)]
    out = row.value(*vals)
    for pos, rule in enumerate(row.partials):
        up, down = list(vals), list(vals)
        up[pos] += 1e-6
        down[pos] -= 1e-6
        numeric = (row.value(*up) - row.value(*down)) / 2e-6
        assert rule(tuple(vals), out) == pytest.approx(numeric, rel=1e-6, abs=1e-8)
        assert row.vjp(pos, 1.0, tuple(vals), out) == pytest.approx(numeric, rel=1e-6, abs=1e-8)
        assert row.jvp(pos, 1.0, tuple(vals), out) == pytest.approx(numeric, rel=1e-6, abs=1e-8)


def test_softmax_ce_matches_autograd_for_unnormalised_targets():
    z, t = RNG.normal(size=(4, 3)), RNG.uniform(size=(4, 3))  # rows do not sum to 1
    run = adv.graph(lambda z, t: adv.softmax_cross_entropy(z, t)).evaluate(z=z, t=t)

    def ref(z, t):
        return -anp.sum(t * _lsm(z)) / 4

    np.testing.assert_allclose(run.grad["z"], autograd.grad(ref, 0)(z, t), rtol=1e-10)
    np.testing.assert_allclose(run.grad["t"], autograd.grad(ref, 1)(z, t), rtol=1e-10)


def test_huge_logits_and_underflow_are_fine():
    z = np.array([[1000.0, 0.0, -1000.0]])
    run = adv.graph(lambda z, t: adv.softmax_cross_entropy(z, t)).evaluate(
        z=z, t=np.array([[0.0, 0.0, 1.0]]))
    assert run.value == pytest.approx(2000.0)
    np.testing.assert_allclose(run.grad["z"], [[1.0, 0.0, -1.0]], atol=1e-12)
    run = adv.graph(lambda x: adv.sum(adv.exp(x))).evaluate(x=np.array([-800.0, 0.0]))
    assert run.value == pytest.approx(1.0)


# --- random MLPs: several shapes, each activation and loss -------------------------------

ACT = {"tanh": anp.tanh, "relu": lambda z: anp.maximum(z, 0.0),
       "sigmoid": lambda z: 1.0 / (1.0 + anp.exp(-z))}


def _reference_loss(spec: MLPSpec):
    """The same network written directly with autograd.numpy (independent of our graph)."""
    L = len(spec.sizes) - 1

    def loss(params, X, T):
        y = X
        for k in range(1, L + 1):
            y = anp.dot(y, params[f"W{k}"]) + params[f"b{k}"]
            if k < L:
                y = ACT[spec.activation](y)
        if spec.loss == "mse":
            out = anp.mean((y - T) ** 2)
        elif spec.loss == "softmax_ce":
            out = -anp.sum(T * _lsm(y)) / y.shape[0]
        else:
            out = anp.mean(anp.maximum(1.0 - T * y, 0.0))
        for p in params.values():
            out = out + spec.l2 * anp.sum(p * p)
        return out

    return loss


def _targets(loss, n, k):
    if loss == "softmax_ce":
        return adv.one_hot(RNG.integers(0, k, size=n), k)
    if loss == "hinge":
        return RNG.choice([-1.0, 1.0], size=(n, 1))
    return RNG.normal(size=(n, k))


MLP_CASES = [(sizes, act, loss, l2, view)
             for sizes in [(2, 3, 1), (3, 5, 4, 2), (4, 6, 3), (1, 2, 2, 1), (5, 8, 8, 8, 3)]
             for act in ("tanh", "relu", "sigmoid")
             for loss in ("mse", "softmax_ce", "hinge")
             if not (loss == "hinge" and sizes[-1] != 1) and not (loss == "softmax_ce"
                                                                  and sizes[-1] == 1)
             for l2, view in [(0.0, "layer"), (1e-2, "ops")]]


@pytest.mark.parametrize("sizes,act,loss,l2,view", MLP_CASES)
def test_random_mlp_gradients_match_autograd(sizes, act, loss, l2, view):
    spec = MLPSpec(sizes, activation=act, loss=loss, l2=l2, view=view)
    params = spec.init(seed=int(RNG.integers(1 << 30)), scale="glorot")
    params = {k: v + 0.1 * RNG.normal(size=v.shape) for k, v in params.items()}  # b ≠ 0
    n = 6
    X = RNG.normal(size=(n, sizes[0]))
    T = _targets(loss, n, sizes[-1])
    run = evaluate(build(spec), {**params, "X": X, "T": T})
    ref = _reference_loss(spec)
    assert run.value == pytest.approx(ref(params, X, T), rel=1e-12)
    expected = autograd.grad(ref, 0)(params, X, T)
    for name in spec.param_names:
        np.testing.assert_allclose(run.grad[name], expected[name], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(run.grad["X"], autograd.grad(ref, 1)(params, X, T), rtol=1e-9,
                               atol=1e-12)


@pytest.mark.parametrize("sizes,act,loss", [((2, 4, 1), "tanh", "mse"),
                                            ((3, 4, 3), "sigmoid", "softmax_ce"),
                                            ((2, 5, 1), "relu", "hinge")])
def test_random_mlp_gradients_match_central_differences(sizes, act, loss):
    spec = MLPSpec(sizes, activation=act, loss=loss, l2=1e-3)
    params = {k: v + 0.1 * RNG.normal(size=v.shape)
              for k, v in spec.init(seed=3, scale="glorot").items()}
    X = RNG.normal(size=(5, sizes[0]))
    T = _targets(loss, 5, sizes[-1])
    g = build(spec)
    run = evaluate(g, {**params, "X": X, "T": T})
    for name in spec.param_names:
        def f(p, name=name):
            return evaluate(g, {**params, name: p, "X": X, "T": T}).value
        np.testing.assert_allclose(run.grad[name], central_diff(f, params[name]),
                                   rtol=1e-5, atol=1e-8)


def test_mlp_forward_mode_matches_reverse_on_every_parameter():
    spec = MLPSpec((3, 4, 4, 2), activation="tanh", loss="softmax_ce", l2=1e-3)
    params = spec.init(seed=5)
    X, T = RNG.normal(size=(6, 3)), adv.one_hot(RNG.integers(0, 2, 6), 2)
    run = adv.graph(build(spec)).evaluate(**params, X=X, T=T)
    for name in spec.param_names:
        U = RNG.normal(size=params[name].shape)
        assert run.forward_mode(name, direction=U).value == pytest.approx(
            float(np.sum(run.grad[name] * U)), rel=1e-10, abs=1e-13)


def test_mlp_views_and_predict():
    spec = MLPSpec((2, 3, 3, 1), activation="tanh", loss="mse")
    layer, ops = build(spec), build(MLPSpec((2, 3, 3, 1), "tanh", "mse", view="ops"))
    computed = [n.op for n in layer.nodes if n.op not in ("input", "const")]
    assert computed == ["affine", "tanh", "affine", "tanh", "affine", "mse"]
    assert [n.op for n in ops.nodes if n.op not in ("input", "const")] == [
        "matmul", "add", "tanh", "matmul", "add", "tanh", "matmul", "add", "mse"]
    params = spec.init(seed=1)
    X, T = RNG.normal(size=(4, 2)), RNG.normal(size=(4, 1))
    a = evaluate(layer, {**params, "X": X, "T": T})
    b = evaluate(ops, {**params, "X": X, "T": T})
    assert a.value == pytest.approx(b.value, rel=1e-14)
    for name in spec.param_names:
        np.testing.assert_allclose(a.grad[name], b.grad[name], rtol=1e-12)
    y = np.tanh(np.tanh(X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"])
    np.testing.assert_allclose(spec.predict(params, X), y @ params["W3"] + params["b3"])


def test_mlp_bad_specs_say_what_is_wrong():
    with pytest.raises(ValueError, match="activation"):
        MLPSpec((2, 3, 1), activation="swish")
    with pytest.raises(ValueError, match="loss"):
        MLPSpec((2, 3, 1), loss="l1")
    with pytest.raises(ValueError, match="positive widths"):
        MLPSpec((2, 0, 1))
    with pytest.raises(ValueError, match="positive widths"):
        MLPSpec((2,))
    with pytest.raises(ValueError, match="l2"):
        MLPSpec((2, 1), l2=-1.0)


# --- steps, rendering helpers, errors ----------------------------------------------------

def test_array_runs_produce_forward_and_backward_steps():
    spec = MLPSpec((3, 4, 2), activation="relu", loss="mse")
    g = adv.graph(build(spec))
    params = spec.init(seed=2)
    run = g.evaluate(**params, X=RNG.normal(size=(5, 3)), T=RNG.normal(size=(5, 2)))
    fw = [s for s in run.steps if s.phase == "forward"]
    bw = [s for s in run.steps if s.phase == "backward"]
    assert [s.node for s in fw] == [n.name for n in g.nodes if n.op not in ("input", "const")]
    assert {s.node for s in bw} == {n.name for n in g.nodes if g.needs_grad[n.index]}
    for s in bw:
        assert np.shape(s.adjoint) == np.shape(s.value)
        if s.contributions:  # the adjoint is the sum of its out-edges' contributions
            total = sum(c.value for c in s.contributions)
            np.testing.assert_allclose(s.adjoint, total, rtol=1e-12)
            for c in s.contributions:
                assert np.shape(c.value) == np.shape(s.value)


def _dims(shape):
    return "1" if not shape else str(shape[0]) if len(shape) == 1 else \
        "(" + "×".join(map(str, shape)) + ")"


def test_jacobian_shape_labels():
    run = adv.graph(lambda W, x: adv.tanh(W @ x)).evaluate(W=np.ones((4, 3)), x=np.ones(3))
    assert jacobian_shape(run, 0).label == "∂a/∂W: 4×(4×3)"
    assert str(jacobian_shape(run, 1)) == "4×3"
    assert jacobian_shape(run, 0).size == 4 * 12
    spec = MLPSpec((3, 4, 2), activation="tanh", loss="mse")
    run = adv.graph(build(spec)).evaluate(**spec.init(), X=np.ones((5, 3)), T=np.ones((5, 2)))
    for e in run.graph.edges:
        out, arg = np.shape(run.values[e.dst]), np.shape(run.values[e.src])
        assert str(jacobian_shape(run, e.index)) == f"{_dims(out)}×{_dims(arg)}"
    with pytest.raises(IndexError, match="edges"):
        jacobian_shape(run, 999)


def test_shape_errors_are_clear():
    g = adv.graph(lambda A, B: adv.sum(A @ B))
    with pytest.raises(DomainError, match=r"\(3, 4\) @ \(3, 2\)"):
        g.evaluate(A=np.ones((3, 4)), B=np.ones((3, 2)))
    with pytest.raises(DomainError, match="one-hot"):
        adv.graph(lambda z, t: adv.softmax_cross_entropy(z, t)).evaluate(
            z=np.ones((3, 2)), t=np.ones(3))
    with pytest.raises(ValueError, match="axis"):
        adv.graph(lambda x: adv.sum(x, axis=7))
    with pytest.raises(ValueError, match="axis"):
        adv.sum(np.ones(3), axis=1.5)
    # a plain number is its own sum over any axis (so every row also works on scalars)
    run = adv.graph(lambda x: adv.sum(adv.tanh(x), axis=1)).evaluate(x=0.5)
    assert run.value == pytest.approx(np.tanh(0.5))
    assert run.grad["x"] == pytest.approx(1 - np.tanh(0.5) ** 2)


def test_paths_view_refuses_array_graphs_with_a_clear_message():
    import numpy as np
    import pytest

    import autodiff_viz as adv

    g = adv.graph(lambda W, X: adv.sum(adv.tanh(X @ W)))
    run = g.evaluate(W=np.ones((2, 2)), X=np.ones((3, 2)))
    with pytest.raises(ValueError, match="scalar graphs"):
        run.paths("W")
