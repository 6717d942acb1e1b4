"""Optimizer state-dict hooks, as PyTorch 2.x: registration order (prepend), what each gets,
return values that replace the dict, removal."""
import mytorch as mt
from mytorch import optim


def _opt():
    p = mt.ones(2, requires_grad=True)
    p.grad = mt.ones(2)
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    opt.step()
    return opt


def test_state_dict_pre_and_post_hooks():
    opt, calls = _opt(), []
    opt.register_state_dict_pre_hook(lambda o: calls.append(("pre", o)))
    opt.register_state_dict_pre_hook(lambda o: calls.append(("first", o)), prepend=True)

    def post(o, sd):
        calls.append(("post", sorted(sd)))
        return {**sd, "extra": 1}
    opt.register_state_dict_post_hook(post)
    sd = opt.state_dict()
    assert calls == [("first", opt), ("pre", opt), ("post", ["param_groups", "state"])]
    assert sd["extra"] == 1


def test_state_dict_post_hook_returning_none_keeps_the_dict():
    opt = _opt()
    opt.register_state_dict_post_hook(lambda o, sd: sd.__setitem__("tag", 2))
    assert opt.state_dict()["tag"] == 2


def test_load_state_dict_hooks():
    opt, calls = _opt(), []
    sd = opt.state_dict()
    other = _opt()

    def pre(o, given):
        calls.append("pre")
        given["param_groups"][0]["lr"]   # a shallow copy of what was passed
        new = dict(given)
        new["param_groups"] = [dict(given["param_groups"][0], lr=0.5)]
        return new
    other.register_load_state_dict_pre_hook(pre)
    other.register_load_state_dict_post_hook(lambda o: calls.append(("post", o.param_groups[0]
                                                                     ["lr"])))
    other.load_state_dict(sd)
    assert calls == ["pre", ("post", 0.5)]
    assert sd["param_groups"][0]["lr"] == 0.1


def test_load_state_dict_pre_hook_gets_a_copy():
    opt = _opt()
    sd = opt.state_dict()
    seen = []
    opt.register_load_state_dict_pre_hook(lambda o, given: seen.append(given is sd))
    opt.load_state_dict(sd)
    assert seen == [False]


def test_hooks_remove():
    opt, calls = _opt(), []
    handles = [opt.register_state_dict_pre_hook(lambda o: calls.append(1)),
               opt.register_state_dict_post_hook(lambda o, sd: calls.append(2)),
               opt.register_load_state_dict_pre_hook(lambda o, sd: calls.append(3)),
               opt.register_load_state_dict_post_hook(lambda o: calls.append(4))]
    opt.load_state_dict(opt.state_dict())
    assert calls == [1, 2, 3, 4]
    for h in handles:
        h.remove()
    calls.clear()
    opt.load_state_dict(opt.state_dict())
    assert calls == []
