// ReDoc's sidebar always shows the Redocly logo from cdn.redoc.ly, and no ReDoc option turns
// it off. This service loads nothing from other origins (and its Content-Security-Policy
// blocks it, which the browser reports as an error), so before ReDoc starts this script
// points that one image at a local file. Every other image is left alone.
(function () {
  "use strict";
  var CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg";
  var LOCAL_LOGO = "/static/redoc-logo.svg";

  function local(value) {
    return String(value) === CDN_LOGO ? LOCAL_LOGO : value;
  }

  // React sets an <img>'s src with setAttribute; the property setter is covered as well.
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && String(name).toLowerCase() === "src") {
      value = local(value);
    }
    return setAttribute.call(this, name, value);
  };
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) { src.set.call(this, local(value)); }
  });
})();
