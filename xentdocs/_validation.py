"""Checks shared by the public functions, run before any tensor reaches PyTorch.

Each check raises :class:`TypeError` (wrong kind of thing) or :class:`ValueError` (right kind,
wrong value) with a message in three parts: what was wrong, what was expected, what was given.
Every message follows the pattern ``"<name> must be <expected>, got <given>"``, sometimes
followed by a hint that starts with ``"; "``.
"""

import operator

import torch

REDUCTIONS = ("none", "mean", "sum")

# PyTorch's loss kernels read class indices as int64; they also accept uint8.
CLASS_INDEX_DTYPES = (torch.int64, torch.uint8)

# The integers a tensor index or a class count can be: PyTorch passes them to C++ as int64.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def format_shape(shape: torch.Size | tuple[int, ...]) -> str:
    """Write a shape the way Python writes a tuple: ``(4, 3)``, ``(4,)``, ``()``."""
    return str(tuple(shape))


def _describe(value: object) -> str:
    """Name what a caller passed, for the "got ..." part of a message."""
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {format_shape(value.shape)} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"


def check_tensor(value: object, name: str) -> torch.Tensor:
    """Raise TypeError unless ``value`` is a tensor; return it."""
    if not isinstance(value, torch.Tensor):
        hint = ""
        if isinstance(value, (list, tuple, int, float)):
            hint = "; wrap it with torch.tensor(...) first"
        raise TypeError(f"{name} must be a torch.Tensor, got {_describe(value)}{hint}")
    return value


def check_floating(tensor: torch.Tensor, name: str, meaning: str) -> None:
    """Raise TypeError unless ``tensor`` holds floating-point numbers."""
    if not tensor.is_floating_point():
        raise TypeError(
            f"{name} must be a floating-point tensor ({meaning}), got {tensor.dtype}"
            f"; convert it with {name}.float()"
        )


def is_integer_dtype(dtype: torch.dtype) -> bool:
    """True for int8 ... int64 and uint8; False for floats, complex numbers and bool."""
    return not dtype.is_floating_point and not dtype.is_complex and dtype != torch.bool


def check_integer(tensor: torch.Tensor, name: str) -> None:
    """Raise TypeError unless ``tensor`` holds integers (any width, but not bool)."""
    if not is_integer_dtype(tensor.dtype):
        raise TypeError(
            f"{name} must be an integer tensor of class indices (torch.int64), got {tensor.dtype}"
        )


def check_class_index_dtype(tensor: torch.Tensor, name: str) -> None:
    """Raise TypeError unless ``tensor`` has a dtype PyTorch's losses take as class indices."""
    if tensor.dtype not in CLASS_INDEX_DTYPES:
        hint = f"; convert it with {name}.long()" if is_integer_dtype(tensor.dtype) else ""
        raise TypeError(
            f"{name} must be an integer tensor of class indices (torch.int64, or torch.uint8),"
            f" got {tensor.dtype}{hint}"
        )


def has_values(tensor: torch.Tensor) -> bool:
    """False for a tensor on the ``meta`` device: it has a shape and a dtype but no values.

    PyTorch's functions run on meta tensors (to work out shapes without computing); so do
    ours, skipping the checks that need to read values.
    """
    return tensor.device.type != "meta"


def check_has_dims(tensor: torch.Tensor, name: str, meaning: str) -> None:
    """Raise ValueError if ``tensor`` is 0-d, a single number with no dimension to work along."""
    if tensor.dim() == 0:
        value = f": {tensor.item()!r}" if has_values(tensor) else ""
        raise ValueError(
            f"{name} must have at least one dimension ({meaning}), got a 0-d tensor{value}"
        )


def check_exact_dims(tensor: torch.Tensor, name: str, dims: int, meaning: str) -> None:
    """Raise ValueError unless ``tensor`` has exactly ``dims`` dimensions."""
    if tensor.dim() != dims:
        raise ValueError(
            f"{name} must be a {dims}-d tensor ({meaning}),"
            f" got a {tensor.dim()}-d tensor of shape {format_shape(tensor.shape)}"
        )


def check_int(value: object, name: str) -> int:
    """Raise unless ``value`` is an integer that fits in int64; return it as a Python int.

    Whatever PyTorch takes as an integer is accepted: a Python int, a NumPy integer scalar
    (``np.int64(1)``) or a 0-d integer tensor, all of which have ``__index__``; bool does not
    count. PyTorch hands the value to C++ as an int64, and one outside that range ends there in
    an "Overflow when unpacking long long"; here it is a ValueError that names the argument.
    """
    is_bool = isinstance(value, bool) or type(value).__name__ == "bool_"
    if isinstance(value, torch.Tensor):
        is_bool = value.dtype == torch.bool or value.dim() != 0
    try:
        if is_bool:
            raise TypeError
        integer = operator.index(value)  # type: ignore[arg-type]
    except (TypeError, RuntimeError):
        raise TypeError(f"{name} must be an int, got {_describe(value)}") from None
    if not INT64_MIN <= integer <= INT64_MAX:
        raise ValueError(
            f"{name} must be an int from -2**63 to 2**63 - 1 (PyTorch's int64), got {integer}"
        )
    return integer


def check_dim(dim: object, tensor: torch.Tensor, name: str) -> int:
    """Raise unless ``dim`` names a non-empty dimension of ``tensor``; return it as an int.

    PyTorch raises IndexError for a dimension out of range; here it is a ValueError like every
    other bad value. A dimension of size 0 holds no classes, so there is nothing to normalize
    or to pick from.
    """
    dim = check_int(dim, "dim")
    ndim = tensor.dim()
    if not -ndim <= dim < ndim:
        raise ValueError(
            f"dim must be between {-ndim} and {ndim - 1} for {name} of shape"
            f" {format_shape(tensor.shape)}, got {dim}"
        )
    if tensor.shape[dim] == 0:
        raise ValueError(
            f"{name} must have at least one class along dim={dim},"
            f" got shape {format_shape(tensor.shape)}"
        )
    return dim


def check_num_classes(num_classes: object) -> int:
    """Raise unless ``num_classes`` is a positive int; return it as a Python int."""
    num_classes = check_int(num_classes, "num_classes")
    if num_classes < 1:
        raise ValueError(f"num_classes must be at least 1, got {num_classes}")
    return num_classes


def _position(mask: torch.Tensor) -> str:
    """Say where the first True of ``mask`` is, e.g. ``" at position 3"``."""
    index = mask.nonzero()[0].tolist()
    if len(index) == 0:  # a 0-d tensor has no positions
        return ""
    if len(index) == 1:
        return f" at position {index[0]}"
    return f" at position {tuple(index)}"


def _ignored(labels: torch.Tensor, ignore_index: int | None) -> torch.Tensor:
    """Mask of the entries equal to ``ignore_index`` (none when it is None)."""
    if ignore_index is None:
        return torch.zeros_like(labels, dtype=torch.bool)
    return labels == ignore_index


def as_class_indices(labels: torch.Tensor) -> torch.Tensor:
    """``labels`` as int64, the dtype PyTorch's kernels read class indices in.

    Comparing a uint8, int8 or int16 tensor with a Python int converts the int to the tensor's
    dtype, where it wraps: ``torch.tensor([255], dtype=torch.uint8) >= 256`` is ``True``
    (256 wraps to 0) and ``== -100`` matches 156. In int64 every label and every bound of
    ``num_classes`` or ``ignore_index`` compares as the number it is.
    """
    return labels.long()


def check_non_negative(labels: torch.Tensor, name: str, ignore_index: int | None = None) -> None:
    """Raise ValueError if an entry of ``labels`` (other than ``ignore_index``) is negative."""
    if not has_values(labels):
        return
    labels = as_class_indices(labels)
    negative = (labels < 0) & ~_ignored(labels, ignore_index)
    if negative.any():
        allowed = "class indices, which start at 0"
        if ignore_index is not None:
            allowed += f", or ignore_index={ignore_index}"
        value = labels[negative][0].item()
        raise ValueError(f"{name} must be {allowed}, got {value}{_position(negative)}")


def check_class_indices(
    labels: torch.Tensor, num_classes: int, name: str, ignore_index: int | None = None
) -> None:
    """Raise ValueError unless every entry of ``labels`` is in 0..num_classes-1.

    With ``ignore_index`` given, entries equal to it are allowed too. The comparisons are in
    int64 (:func:`as_class_indices`), so narrow integer dtypes do not wrap; labels on the
    ``meta`` device have no values to check.
    """
    if not has_values(labels):
        return
    labels = as_class_indices(labels)
    check_non_negative(labels, name, ignore_index)
    too_large = (labels >= num_classes) & ~_ignored(labels, ignore_index)
    if too_large.any():
        allowed = f"class indices from 0 to {num_classes - 1} for {num_classes} classes"
        if ignore_index is not None:
            allowed += f", or ignore_index={ignore_index}"
        value = labels[too_large][0].item()
        raise ValueError(f"{name} must be {allowed}, got {value}{_position(too_large)}")


def check_reduction(reduction: object) -> None:
    """Raise ValueError unless ``reduction`` is one of 'none', 'mean', 'sum'."""
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        choices = ", ".join(repr(choice) for choice in REDUCTIONS)
        raise ValueError(f"reduction must be one of {choices}, got {reduction!r}")


def real_scalar(value: object, name: str) -> object:
    """A NumPy scalar or a 0-d real tensor as the Python number it holds; anything else as is.

    ``np.float32(0.1)`` gives 0.1 and ``np.bool_`` a bool (which the callers refuse); a tensor
    on the meta device has no value, a ValueError that names the argument.
    """
    if isinstance(value, torch.Tensor):
        if value.dim() == 0 and (value.is_floating_point() or is_integer_dtype(value.dtype)):
            if not has_values(value):
                raise ValueError(f"{name} must have a value, got a tensor on meta")
            return value.item()
    elif type(value).__module__ == "numpy" and hasattr(value, "item") and value.ndim == 0:
        return value.item()
    return value


def check_label_smoothing(label_smoothing: object) -> float:
    """Raise unless ``label_smoothing`` is a number between 0.0 and 1.0; return it as a float.

    As in PyTorch, a NumPy scalar (``np.float32(0.1)``) or a 0-d real tensor works too.
    """
    value = real_scalar(label_smoothing, "label_smoothing")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"label_smoothing must be a float between 0.0 and 1.0, got {_describe(label_smoothing)}"
        )
    value = float(value)
    if not 0.0 <= value <= 1.0:  # also False for NaN
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0, got {value}")
    return value


def check_weight(weight: object, input: torch.Tensor, num_classes: int, same_dtype: bool) -> None:
    """Raise unless ``weight`` is a 1-d float tensor with one weight per class.

    With class-index targets PyTorch also needs ``weight`` in the input's dtype
    (``same_dtype=True``); with class probabilities it promotes the dtypes instead.
    """
    check_tensor(weight, "weight")
    check_floating(weight, "weight", "one weight per class")
    if weight.shape != (num_classes,):
        raise ValueError(
            f"weight must be a 1-d tensor with one weight per class, shape ({num_classes},),"
            f" got shape {format_shape(weight.shape)}"
        )
    if same_dtype and weight.dtype != input.dtype:
        raise TypeError(
            f"weight must have the same dtype as input ({input.dtype}), got {weight.dtype}"
            f"; convert it with weight.to({input.dtype})"
        )


def check_loss_input(input: object, meaning: str, name: str = "input") -> torch.Tensor:
    """Check a loss's ``input``: a float tensor (C) or (N, C, d1, ..., dk) with C >= 1.

    ``name`` is the argument's name in the messages (the checker calls its inputs ``logits``).
    """
    input = check_tensor(input, name)
    check_floating(input, name, meaning)
    check_has_dims(input, name, "(C) or (N, C, d1, ..., dk)")
    num_classes = input.shape[class_dim(input)]
    if num_classes == 0:
        raise ValueError(
            f"{name} must have at least one class along its class dimension {class_dim(input)},"
            f" got shape {format_shape(input.shape)}"
        )
    return input


def class_dim(input: torch.Tensor) -> int:
    """The dimension that holds the classes: 0 for an input of shape (C), else 1."""
    return 0 if input.dim() == 1 else 1


def class_index_shape(input: torch.Tensor) -> tuple[int, ...]:
    """The shape of class-index targets for ``input``: its shape without the class dimension."""
    shape = tuple(input.shape)
    dim = class_dim(input)
    return shape[:dim] + shape[dim + 1 :]


def check_class_index_target(
    target: torch.Tensor, input: torch.Tensor, ignore_index: int, probabilities_allowed: bool
) -> None:
    """Check class-index targets: dtype, shape (input's shape without C) and values."""
    expected_shape = class_index_shape(input)
    if target.shape == input.shape and is_integer_dtype(target.dtype):
        if probabilities_allowed:
            fix = "pass class indices, or float class probabilities"
        else:
            fix = "pass class indices (labels_from_one_hot turns one-hot rows into them)"
        raise ValueError(
            f"target must hold class indices, shape {format_shape(expected_shape)}"
            f" (the input's shape without C), got an integer tensor of the input's shape"
            f" {format_shape(input.shape)}; did you pass a one-hot tensor? {fix}"
        )
    if target.dtype.is_floating_point and probabilities_allowed:
        raise TypeError(
            f"target must be an integer tensor of class indices (torch.int64), got"
            f" {target.dtype} of shape {format_shape(target.shape)}; float targets are class"
            f" probabilities and must have the input's shape {format_shape(input.shape)}"
        )
    check_class_index_dtype(target, "target")
    if tuple(target.shape) != expected_shape:
        raise ValueError(
            f"target must have shape {format_shape(expected_shape)} (the input's shape"
            f" {format_shape(input.shape)} without the class dimension),"
            f" got {format_shape(target.shape)}{_shape_difference(target, input)}"
        )
    num_classes = input.shape[class_dim(input)]
    check_class_indices(target.long(), num_classes, "target", ignore_index)


def _shape_difference(target: torch.Tensor, input: torch.Tensor) -> str:
    """Name the part of the shapes that disagrees, when it is the batch or the spatial part."""
    if input.dim() < 2 or target.dim() != input.dim() - 1:
        return ""
    if target.shape[0] != input.shape[0]:
        return (
            f"; the batch sizes differ: input has N={input.shape[0]}, target has {target.shape[0]}"
        )
    input_spatial = format_shape(input.shape[2:])
    target_spatial = format_shape(target.shape[1:])
    return f"; the spatial sizes differ: input has {input_spatial}, target has {target_spatial}"


def check_same_device(
    tensor: torch.Tensor, name: str, reference: torch.Tensor, reference_name: str
) -> None:
    """Raise ValueError unless ``tensor`` is on the device of ``reference``.

    PyTorch would fail later, deep inside a kernel, with a message that names neither argument.
    """
    if tensor.device != reference.device:
        raise ValueError(
            f"{name} must be on the same device as {reference_name} ({reference.device}),"
            f" got a tensor on {tensor.device}; move it with {name}.to({reference_name}.device)"
        )
