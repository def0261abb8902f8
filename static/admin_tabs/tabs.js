/*
 * The part of jQuery UI's tabs widget that the admin's translation tabs use:
 * `$(el).tabs({active: n})`, `.tabs("option", "active", n)` and the
 * "tabsactivate" event. Staff must get language tabs without any CDN, so the
 * admin loads this small plugin in place of jQuery UI.
 */
(function ($) {
  "use strict";

  function show(container, index) {
    const items = container.children("ul").first().children("li");
    const panels = container.children("div");
    if (index < 0 || index >= items.length) {
      index = 0;
    }
    const previous = items.filter(".ui-tabs-active");
    items.removeClass("ui-tabs-active ui-state-active")
      .attr("aria-selected", "false")
      .children("a").attr("tabindex", "-1");
    panels.addClass("ui-tabs-hide").attr("hidden", "");
    const item = items.eq(index);
    item.addClass("ui-tabs-active ui-state-active").attr("aria-selected", "true")
      .children("a").attr("tabindex", "0");
    panels.eq(index).removeClass("ui-tabs-hide").removeAttr("hidden");
    container.data("tabs-active", index);
    if (previous.length && previous[0] !== item[0]) {
      container.trigger("tabsactivate", [{ newTab: item, oldTab: previous }]);
    }
  }

  function setUp(container, active) {
    const list = container.children("ul").first();
    container.addClass("ui-tabs ui-widget");
    list.addClass("ui-tabs-nav ui-helper-reset ui-helper-clearfix")
      .attr("role", "tablist");
    list.children("li").attr("role", "tab").each(function (index) {
      $(this).children("a").on("click", function (event) {
        event.preventDefault();
        show(container, index);
      }).on("keydown", function (event) {
        const count = list.children("li").length;
        const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (step) {
          event.preventDefault();
          const next = (index + step + count) % count;
          show(container, next);
          list.children("li").eq(next).children("a").trigger("focus");
        }
      });
    });
    container.children("div").addClass("ui-tabs-panel").attr("role", "tabpanel");
    show(container, active || 0);
  }

  $.fn.tabs = function (options, name, value) {
    if (options === "option" && name === "active") {
      if (value === undefined) {
        return this.first().data("tabs-active");
      }
      return this.each(function () {
        show($(this), value);
      });
    }
    return this.each(function () {
      setUp($(this), (options && options.active) || 0);
    });
  };
})(window.django && window.django.jQuery ? window.django.jQuery : window.jQuery);
