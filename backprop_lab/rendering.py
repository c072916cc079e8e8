"""Figures as PNG images for the widgets: the plumbing between matplotlib and ipywidgets.Output.

* :func:`new_figure` - a Figure outside pyplot (never shown by the inline backend, never closed);
* :func:`render_png` - a whole figure as PNG bytes (matplotlib's Agg and PNG writer);
* :func:`show_png` - replace what an ``ipywidgets.Output`` shows by one PNG, from the kernel side
  (no ``with out:``, so notebooks stay reproducible under strict nbval), as an ``<img>`` with alt
  text;
* :func:`img_html` and :func:`show_figure` - a PNG as an ``<img>`` with alt text, and a notebook
  figure displayed that way (JupyterLab draws an ``image/png`` output as an ``<img>`` without alt);
* :class:`BlitRenderer` and :func:`png_bytes` - the DeltaStepper's fast path: the static parts of
  the figure are drawn once, texts are rendered once each and pasted from a cache, and the frame is
  encoded without PNG row filters at zlib level 1. A step then takes a few milliseconds instead of a
  full redraw.
"""

from __future__ import annotations

import base64
import html
import io
import struct
import zlib

import numpy as np
from matplotlib.figure import Figure

__all__ = ["new_figure", "render_png", "show_png", "img_html", "show_figure", "png_bytes", "BlitRenderer"]


def new_figure(width, height, dpi):
    """A Figure of ``width`` x ``height`` inches outside pyplot."""
    return Figure(figsize=(width, height), dpi=dpi)


def render_png(fig, dpi=None):
    """The figure as PNG bytes (drawn by Agg at ``dpi``, default the figure's own)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi or fig.dpi, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def img_html(png, alt, width=None):
    """``png`` (bytes) as an HTML ``<img>`` with ``alt`` as its text alternative (a data URI).

    JupyterLab renders an ``image/png`` output as an ``<img>`` with no alt attribute, and reads no
    output metadata for one, so a picture that must say what it shows goes out as HTML.
    width : the CSS width of the ``<img>`` in pixels (give the PNG's own width, so that it is never
    upscaled), or None.
    """
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"alt must say what the picture shows, not {alt!r}")
    data = base64.b64encode(png).decode("ascii")
    size = f' width="{int(width)}"' if width else ""
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}"{size}>'


def show_png(out, png, text="figure", width=None):
    """Replace what ``out`` (an ipywidgets.Output) shows by one PNG image, from the kernel side.

    Like ``out.outputs = (); out.append_display_data(Image(png, width=width))``, plus the image as
    an ``<img>`` whose alt text is ``text`` (:func:`img_html`), which JupyterLab shows in preference
    to the bare ``image/png``; ``text`` is also its text/plain. width : the CSS width of the picture
    in pixels (its natural width: never upscaled), or None.
    """
    b64 = base64.b64encode(png).decode("ascii")
    out.outputs = ({
        "output_type": "display_data",
        "data": {"text/html": img_html(png, text, width), "image/png": b64, "text/plain": text},
        "metadata": {"image/png": {"width": int(width)}} if width else {},
    },)


def show_figure(fig, alt, caption=None):
    """Display a matplotlib figure in a notebook as an ``<img>`` with alt text (and a caption).

    The output also carries the figure as ``image/png`` (which JupyterLab ranks below the HTML).

    ``alt`` says what the figure shows (for a screen reader); ``caption``, if given, is shown
    under it for everyone (a ``<figure>`` with ``<figcaption>``). A pyplot figure is closed, so
    the inline backend does not show it a second time. Use it where a cell would end with
    ``plt.show()``::

        fig, ax = plt.subplots()
        ...
        show_figure(fig, alt="The cost falls from 0.69 to 0.02 in 300 epochs.")
    """
    from IPython.display import display

    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")  # what the inline backend draws
    png = buf.getvalue()
    img = img_html(png, alt)
    body = img if caption is None else f"<figure>{img}<figcaption>{html.escape(caption)}</figcaption></figure>"
    # the PNG too, for front ends that show no HTML (GitHub, nbviewer, exports)
    display({"text/html": body, "image/png": base64.b64encode(png).decode("ascii"),
             "text/plain": alt if caption is None else f"{caption}\n{alt}"}, raw=True)
    try:
        import matplotlib.pyplot as plt

        if plt.fignum_exists(fig.number):
            plt.close(fig)
    except AttributeError:  # a Figure made outside pyplot has no number
        pass


def png_bytes(rgb):
    """A (h, w, 3) or (h, w, 4) uint8 image as PNG bytes, fast: no row filters, zlib level 1."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w, c = rgb.shape
    if c not in (3, 4):
        raise ValueError(f"png_bytes takes an (h, w, 3) or (h, w, 4) image, not shape {rgb.shape}")
    raw = np.empty((h, w * c + 1), dtype=np.uint8)
    raw[:, 0] = 0  # filter type 0 (none) for every row
    raw[:, 1:] = rgb.reshape(h, w * c)

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    colour_type = {3: 2, 4: 6}[c]
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour_type, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


class BlitRenderer:
    """PNGs of a figure whose static parts are drawn once, and whose texts are drawn once each.

    ``dynamic`` is a callable returning the non-text artists that change between frames, in
    drawing order; ``texts`` returns the Text artists that change (labels drawn on top of
    everything else). The first :meth:`png` (and the first after :meth:`invalidate`) draws the
    figure without them and keeps that background. Each :meth:`png` restores the background,
    draws the dynamic artists on it, then pastes each text from a cache of rendered texts
    (keyed by the artist, its string, colour and weight; a new one is rendered once on a
    transparent scratch canvas). FreeType glyph rendering is what makes a full redraw slow.

    The artists stay ordinary (not animated) between frames, so ``display(fig)`` and
    ``fig.savefig`` still draw everything the usual way. ``cached`` is the number of texts in
    the cache.
    """

    MAX_CACHED = 5000

    def __init__(self, fig, dynamic, texts=lambda: ()):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.fig = fig
        self.canvas = FigureCanvasAgg(fig)
        self.dynamic, self.texts = dynamic, texts
        self.background = None
        self._scratch = None
        self._sprites = {}

    @property
    def cached(self):
        """How many rendered texts the cache holds."""
        return len(self._sprites)

    def invalidate(self):
        """Redraw the background next time (after a static part, e.g. an axis scale, changed)."""
        self.background = None

    def _sprite(self, text):
        key = (id(text), text.get_text(), text.get_color(), text.get_fontweight())
        sprite = self._sprites.get(key)
        if sprite is None:
            from matplotlib.backends.backend_agg import RendererAgg

            w, h = self.canvas.get_width_height()
            if self._scratch is None:
                self._scratch = RendererAgg(w, h, self.fig.dpi)
            r = self._scratch
            r.clear()
            text.draw(r)
            box = text.get_window_extent(r)
            x0, x1 = max(int(box.x0) - 2, 0), min(int(np.ceil(box.x1)) + 2, w)
            y0, y1 = max(int(h - box.y1) - 2, 0), min(int(np.ceil(h - box.y0)) + 2, h)  # rows run down
            pix = np.asarray(r.buffer_rgba())[y0:y1, x0:x1]
            alpha = pix[..., 3:4].astype(np.float32) / 255.0
            sprite = (y0, x0, pix[..., :3].astype(np.float32) * alpha, 1.0 - alpha)
            if len(self._sprites) > self.MAX_CACHED:
                self._sprites.clear()
            self._sprites[key] = sprite
        return sprite

    def warm(self):
        """Render the texts on show into the cache, without making a picture."""
        for t in self.texts():
            if t.get_visible() and t.get_text():
                self._sprite(t)

    def png(self):
        """The figure as it is now, as PNG bytes."""
        artists, texts = list(self.dynamic()), list(self.texts())
        if self.background is None:
            for a in artists + texts:
                a.set_animated(True)
            try:
                self.canvas.draw()
            finally:
                for a in artists + texts:
                    a.set_animated(False)
            self.background = self.canvas.copy_from_bbox(self.fig.bbox)
        else:
            self.canvas.restore_region(self.background)
        for a in artists:
            self.fig.draw_artist(a)
        # a contiguous RGBA copy (a strided RGB copy costs 40 times more); the figure is opaque
        frame = np.array(self.canvas.buffer_rgba())
        for t in texts:
            if t.get_visible() and t.get_text():
                y0, x0, premultiplied, keep = self._sprite(t)
                region = frame[y0:y0 + keep.shape[0], x0:x0 + keep.shape[1], :3]
                region[...] = (premultiplied + region * keep + 0.5).astype(np.uint8)
        return png_bytes(frame)
