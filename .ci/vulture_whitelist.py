"""Names vulture cannot see being used, for `vulture` (configured in pyproject.toml).

Only calls that come from outside our code: Qt calls our overrides of its virtual methods,
pytest hands out fixtures by parameter name (or by a name in a string), and two libraries read
an attribute we set. Anything else vulture reports is removed, or given a real use.
"""

_ = object()  # vulture matches names, whatever object they are looked up on
_ = (
    # Qt's virtual methods, called by Qt on our models, views and widgets.
    _.columnCount,
    _.contextMenuEvent,
    _.dragEnterEvent,
    _.hasChildren,
    _.hasHeightForWidth,
    _.headerData,
    _.heightForWidth,
    _.horizontalOffset,
    _.isIndexHidden,
    _.minimumSizeHint,
    _.moveCursor,
    _.mouseDoubleClickEvent,
    _.mouseMoveEvent,
    _.mousePressEvent,
    _.mouseReleaseEvent,
    _.setSelection,
    _.verticalOffset,
    _.visualRegionForSelection,
    _.wheelEvent,
    # Read by Qt: the style option a delegate fills in for the view to paint.
    _.backgroundBrush,
    # pytest: fixtures requested for their effect (a QApplication) or named in usefixtures, and
    # the marks a module gives all its tests.
    _.pytestmark,
    _.qapp,
    _.restore_root_logger,
    # Read by libraries: Pillow's decompression-bomb limit, configparser's key folding; and
    # called by one: io.RawIOBase.read fills its buffer through readinto (reading.HeaderWindow).
    _.MAX_IMAGE_PIXELS,
    _.optionxform,
    _.readinto,
)
