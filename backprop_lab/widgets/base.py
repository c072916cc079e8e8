"""What every widget view shares: the picture on show, sent to its Output from the kernel side."""

from __future__ import annotations

from ..rendering import img_html, show_png

__all__ = ["PictureView"]


class PictureView:
    """Mixin for a view with an ``out`` (ipywidgets.Output) that shows one PNG picture.

    :meth:`show` puts a PNG on show; :meth:`picture` returns it for ``display`` (static copies:
    GitHub, nbviewer), exactly what the widget shows, without redrawing.
    """

    _png = b""
    alt = ""  # what the picture on show shows, in words (its alt text)

    def show(self, png, text):
        """Show ``png`` (bytes) in ``self.out``, with ``text`` as its alt text and text/plain."""
        self._png, self.alt = png, text
        show_png(self.out, png, text=text)

    def picture(self):
        """The picture on show, as an ``IPython.display.Image``."""
        from IPython.display import Image

        return Image(data=self._png, format="png")

    def display_picture(self):
        """Display the picture on show as an ``<img>`` with its alt text (and the PNG for other
        front ends): ``display(view.picture())`` for screen readers too."""
        import base64

        from IPython.display import display

        display({"text/html": img_html(self._png, self.alt),
                 "image/png": base64.b64encode(self._png).decode("ascii"), "text/plain": self.alt}, raw=True)
