"""What every widget view shares: the picture on show, sent to its Output from the kernel side."""

from __future__ import annotations

from ..rendering import img_html, show_png

__all__ = ["PictureView", "check_choice", "check_count"]


def check_choice(name, value, allowed):
    """``value`` if it is one of ``allowed``, else a ValueError listing them (not a TraitError)."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(repr(a) for a in allowed)}; got {value!r}")
    return value


def check_count(name, value, low):
    """``value`` as an int >= ``low``; TypeError for a non-integer, ValueError below ``low``."""
    import numpy as np

    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, not {type(value).__name__} ({value!r})")
    if value < low:
        raise ValueError(f"{name} must be at least {low}; got {value}")
    return int(value)


class PictureView:
    """Mixin for a view with an ``out`` (ipywidgets.Output) that shows one PNG picture.

    :meth:`show` puts a PNG on show; :meth:`picture` returns it for ``display`` (static copies:
    GitHub, nbviewer), exactly what the widget shows, without redrawing.
    """

    _png = b""
    _width = None
    alt = ""  # what the picture on show shows, in words (its alt text)

    def show(self, png, text, width=None):
        """Show ``png`` (bytes) in ``self.out``, with ``text`` as its alt text and text/plain.

        width : the CSS width to show it at, in pixels (its natural width: never upscaled), or None.
        """
        self._png, self._width, self.alt = png, width, text
        show_png(self.out, png, text=text, width=width)

    def picture(self):
        """The picture on show, as an ``IPython.display.Image``."""
        from IPython.display import Image

        return Image(data=self._png, format="png", width=self._width)

    def display_picture(self):
        """Display the picture on show as an ``<img>`` with its alt text (and the PNG for other
        front ends): ``display(view.picture())`` for screen readers too."""
        import base64

        from IPython.display import display

        display({"text/html": img_html(self._png, self.alt, self._width),
                 "image/png": base64.b64encode(self._png).decode("ascii"), "text/plain": self.alt}, raw=True)
