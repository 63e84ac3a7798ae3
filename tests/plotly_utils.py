"""Reading Plotly figure JSON in tests: Plotly 6+ stores numeric arrays as base64 typed arrays."""
from __future__ import annotations

import base64

import numpy as np


def values(array) -> list:
    """The plain list behind a figure array (decodes {'dtype': 'f8', 'bdata': ...} typed arrays)."""
    if isinstance(array, dict) and "bdata" in array:
        data = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
        if "shape" in array:
            data = data.reshape([int(n) for n in str(array["shape"]).split(",")])
        return data.tolist()
    return list(array)
