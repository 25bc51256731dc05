import Testing
@testable import TUI

@Suite("Layout: screen size to rects")
struct LayoutTests {
    @Test("every size from 0×0 to 200×60: rects inside the screen and not overlapping, never a crash")
    func everySize() {
        for width in 0...200 {
            for height in 0...60 {
                let layout = Layout(width: width, height: height)
                if width < Layout.minWidth || height < Layout.minHeight {
                    #expect(layout.tooSmall)
                    continue
                }
                #expect(!layout.tooSmall)
                let parts = [layout.messages, layout.status, layout.input] + (layout.sidebar.map { [$0] } ?? [])
                let area = parts.reduce(0) { $0 + $1.width * $1.height }
                #expect(area == width * height)
                for rect in parts {
                    #expect(rect.x >= 0 && rect.y >= 0 && rect.x + rect.width <= width && rect.y + rect.height <= height)
                    #expect(!rect.isEmpty)
                }
                #expect(layout.input.y == height - 1)
                #expect((layout.sidebar != nil) == (width >= Layout.sidebarMinScreenWidth))
            }
        }
    }

    @Test("the sidebar is on the right and the message pane keeps the rest")
    func sidebar() {
        let layout = Layout(width: 80, height: 24)
        #expect(layout.sidebar == Rect(x: 58, y: 0, width: 22, height: 22))
        #expect(layout.messages == Rect(x: 0, y: 0, width: 58, height: 22))
        #expect(layout.status == Rect(x: 0, y: 22, width: 80, height: 1))
        #expect(Layout(width: 69, height: 24).sidebar == nil)
        #expect(Layout(width: 200, height: 60).sidebar?.width == Layout.wideSidebarWidth)
    }
}
