<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ModeJobs</name>
    <message>
        <source>Remove object</source>
        <translation>移除物体</translation>
    </message>
    <message>
        <source>Fill scratches and dust</source>
        <translation>填补划痕和灰尘</translation>
    </message>
    <message>
        <source>Restore colour</source>
        <translation>恢复色彩</translation>
    </message>
    <message>
        <source>Reduce grain</source>
        <translation>减少颗粒噪点</translation>
    </message>
    <message>
        <source>Sharpen</source>
        <translation>锐化</translation>
    </message>
    <message>
        <source>Restore faces</source>
        <translation>修复人脸</translation>
    </message>
    <message>
        <source>No faces were found.</source>
        <translation>未找到人脸。</translation>
    </message>
    <message>
        <source>Detect damage</source>
        <translation>检测损伤</translation>
    </message>
    <message>
        <source>Detect damage: %1% of the photo marked; refine it with the brush and eraser, then Apply.</source>
        <translation>检测损伤：已标记照片的 %1%；可用画笔和橡皮擦修改，然后点击“应用”。</translation>
    </message>
    <message>
        <source>Cartoonize</source>
        <translation>卡通化</translation>
    </message>
</context>
<context>
    <name>PatchCommand</name>
    <message>
        <source>%1 (dropped to save memory)</source>
        <translation>%1（为节省内存已丢弃）</translation>
    </message>
</context>
<context>
    <name>PromptFillJob</name>
    <message>
        <source>Extend the canvas</source>
        <translation>扩展画布</translation>
    </message>
    <message>
        <source>Fill from a prompt</source>
        <translation>按提示词填充</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>第 %1 步，共 %2 步</translation>
    </message>
    <message>
        <source>Variation %1 of %2, step %3 of %4</source>
        <translation>第 %1 个变体（共 %2 个），第 %3 步，共 %4 步</translation>
    </message>
    <message>
        <source>about %1 s left</source>
        <translation>约剩 %1 秒</translation>
    </message>
    <message>
        <source>about %1 min left</source>
        <translation>约剩 %1 分钟</translation>
    </message>
    <message>
        <source>PowerPaint, seed %1</source>
        <translation>PowerPaint，种子 %1</translation>
    </message>
    <message>
        <source>Fill from a prompt works on 8-bit colour photos; this photo has another pixel format.</source>
        <translation>按提示词填充仅适用于 8 位彩色照片；这张照片是其他像素格式。</translation>
    </message>
</context>
<context>
    <name>SaveAsDialog</name>
    <message>
        <source>JPEG (*.jpg *.jpeg)</source>
        <translation>JPEG (*.jpg *.jpeg)</translation>
    </message>
    <message>
        <source>PNG (*.png)</source>
        <translation>PNG (*.png)</translation>
    </message>
    <message>
        <source>TIFF (*.tif *.tiff)</source>
        <translation>TIFF (*.tif *.tiff)</translation>
    </message>
    <message>
        <source>WebP (*.webp)</source>
        <translation>WebP (*.webp)</translation>
    </message>
    <message>
        <source>BMP (*.bmp)</source>
        <translation>BMP (*.bmp)</translation>
    </message>
</context>
<context>
    <name>UserMessages</name>
    <message>
        <source>Cannot open “%1”: the file does not exist.</source>
        <translation>无法打开“%1”：文件不存在。</translation>
    </message>
    <message>
        <source>Cannot open “%1”: it is a folder, not a file.</source>
        <translation>无法打开“%1”：这是一个文件夹，不是文件。</translation>
    </message>
    <message>
        <source>Cannot open “%1”: %2.</source>
        <translation>无法打开“%1”：%2。</translation>
    </message>
    <message>
        <source>Cannot read “%1”: the read failed part way.</source>
        <translation>无法读取“%1”：读取中途失败。</translation>
    </message>
    <message>
        <source>Cannot read “%1”: not enough memory for a file this large.</source>
        <translation>无法读取“%1”：内存不足，无法读取这么大的文件。</translation>
    </message>
    <message>
        <source>“%1” is empty (0 bytes), so it holds no image.</source>
        <translation>“%1”是空文件（0 字节），不包含图像。</translation>
    </message>
    <message>
        <source>“%1” is not an image PhotoMend can open (JPEG, PNG, TIFF, WebP or BMP).</source>
        <translation>“%1”不是 PhotoMend 能打开的图像（JPEG、PNG、TIFF、WebP 或 BMP）。</translation>
    </message>
    <message>
        <source>“%1” is truncated or corrupt: its %2 data ends before the image does.</source>
        <translation>“%1”不完整或已损坏：其 %2 数据在图像结束之前就中断了。</translation>
    </message>
    <message>
        <source>“%1” is corrupt or truncated: its %2 data could not be decoded.</source>
        <translation>“%1”已损坏或不完整：无法解码其 %2 数据。</translation>
    </message>
    <message>
        <source>“%1” is too large to open: %2 x %3 pixels (PhotoMend opens photos up to 30000 pixels per side and 500 megapixels).</source>
        <translation>“%1”太大，无法打开：%2 x %3 像素（PhotoMend 可打开每边最多 30000 像素、总计最多 5 亿像素的照片）。</translation>
    </message>
    <message>
        <source>Not enough memory to open “%1”.</source>
        <translation>内存不足，无法打开“%1”。</translation>
    </message>
    <message>
        <source>“%1” uses a sample format PhotoMend cannot edit (signed integers).</source>
        <translation>“%1”使用了 PhotoMend 无法编辑的采样格式（有符号整数）。</translation>
    </message>
    <message>
        <source>“%1” has %2 channels; PhotoMend opens gray, RGB and RGBA images.</source>
        <translation>“%1”有 %2 个通道；PhotoMend 只能打开灰度、RGB 和 RGBA 图像。</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Warming up…</source>
        <translation>正在预热…</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>%1, %2 GB</source>
        <translation>%1，%2 GB</translation>
    </message>
    <message numerus="yes">
        <source>CPU, %n thread(s)</source>
        <translation>
            <numerusform>CPU，%n 个线程</numerusform>
        </translation>
    </message>
    <message>
        <source>“%1” is corrupt: its %2 image data is damaged (%3).</source>
        <translation>“%1”已损坏：其 %2 图像数据受损（%3）。</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Repair photos: remove objects, fix old scans.</source>
        <translation>修复照片：移除物体，修复老照片扫描件。</translation>
    </message>
    <message>
        <source>Photos to open.</source>
        <translation>要打开的照片。</translation>
    </message>
    <message>
        <source>Where models run: auto, cpu or cuda.</source>
        <translation>模型运行的设备：auto、cpu 或 cuda。</translation>
    </message>
    <message>
        <source>Folder holding installed models.</source>
        <translation>存放已安装模型的文件夹。</translation>
    </message>
    <message>
        <source>Open a separate window even when PhotoMend is already running.</source>
        <translation>即使 PhotoMend 已在运行，也打开一个单独的窗口。</translation>
    </message>
    <message>
        <source>The files are scans of several photos: find the photos on each and open them, straightened, instead of the scans.</source>
        <translation>这些文件是多张照片的扫描件：找出每个扫描件上的照片，将其摆正后打开，而不是打开扫描件本身。</translation>
    </message>
</context>
<context>
    <name>pm::photo_io::SaveMessages</name>
    <message>
        <source>Could not save “%1”: %2. The existing file, if any, is unchanged.</source>
        <translation>无法保存“%1”：%2。已有的同名文件（如有）未被改动。</translation>
    </message>
    <message>
        <source>the write was interrupted</source>
        <translation>写入被中断</translation>
    </message>
    <message>
        <source>Could not save “%1”: PhotoMend writes JPEG, PNG, TIFF, WebP and BMP; choose one of those file extensions.</source>
        <translation>无法保存“%1”：PhotoMend 可写入 JPEG、PNG、TIFF、WebP 和 BMP；请使用其中一种文件扩展名。</translation>
    </message>
    <message>
        <source>Could not save “%1”: %2</source>
        <translation>无法保存“%1”：%2</translation>
    </message>
</context>
<context>
    <name>pm::ui::ApplyController</name>
    <message>
        <source>Paint over what should be removed first.</source>
        <translation>请先涂抹要移除的区域。</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>The photo changed while the operation ran; its result was not applied.</source>
        <translation>操作运行期间照片已被修改，其结果未被应用。</translation>
    </message>
    <message>
        <source>Nothing needed changing.</source>
        <translation>无需更改。</translation>
    </message>
</context>
<context>
    <name>pm::ui::BatchDialog</name>
    <message>
        <source>Batch Repair</source>
        <translation>批量修复</translation>
    </message>
    <message>
        <source>Drop photos or folders here</source>
        <translation>将照片或文件夹拖放到这里</translation>
    </message>
    <message>
        <source>Add Photos…</source>
        <translation>添加照片…</translation>
    </message>
    <message>
        <source>Add Folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Add photos</source>
        <translation>添加照片</translation>
    </message>
    <message>
        <source>Add a folder of photos</source>
        <translation>添加照片文件夹</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Output folder:</source>
        <translation>输出文件夹：</translation>
    </message>
    <message>
        <source>Add photos first.</source>
        <translation>请先添加照片。</translation>
    </message>
    <message>
        <source>Choose an output folder that can be created.</source>
        <translation>请选择一个可以创建的输出文件夹。</translation>
    </message>
    <message>
        <source>The output folder holds some of the photos; choose another folder so the originals are never overwritten.</source>
        <translation>输出文件夹中包含部分原照片；请另选一个文件夹，以免覆盖原件。</translation>
    </message>
    <message>
        <source>Batch repair</source>
        <translation>批量修复</translation>
    </message>
    <message numerus="yes">
        <source>Repairing %n photo(s)…</source>
        <translation>
            <numerusform>正在修复 %n 张照片…</numerusform>
        </translation>
    </message>
    <message>
        <source>Done: %1</source>
        <translation>完成：%1</translation>
    </message>
    <message>
        <source>Skipped %1: %2</source>
        <translation>已跳过 %1：%2</translation>
    </message>
    <message>
        <source>Finished: %1 repaired, %2 skipped, %3 cancelled.</source>
        <translation>完成：已修复 %1 张，跳过 %2 张，取消 %3 张。</translation>
    </message>
</context>
<context>
    <name>pm::ui::CanvasWidget</name>
    <message>
        <source>Before</source>
        <translation>修改前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>修改后</translation>
    </message>
</context>
<context>
    <name>pm::ui::CartoonOptions</name>
    <message>
        <source>Anime (soft)</source>
        <translation>动漫（柔和）</translation>
    </message>
    <message>
        <source>Comic (ink)</source>
        <translation>漫画（墨线）</translation>
    </message>
    <message>
        <source>Anime: gentle shading and thin lines. Comic: flatter colours and bold black lines.</source>
        <translation>动漫：柔和的明暗和细线条。漫画：更平的色块和粗黑的墨线。</translation>
    </message>
    <message>
        <source>Style:</source>
        <translation>风格：</translation>
    </message>
    <message>
        <source>How much of the cartoon replaces the photo (70–80% looks natural)</source>
        <translation>卡通效果替换照片的程度（70–80% 看起来最自然）</translation>
    </message>
    <message>
        <source>Strength:</source>
        <translation>强度：</translation>
    </message>
    <message>
        <source>Original size</source>
        <translation>原始尺寸</translation>
    </message>
    <message>
        <source>Long side %1 px</source>
        <translation>长边 %1 像素</translation>
    </message>
    <message>
        <source>Other sizes open the cartoon as a new photo; this one keeps its size.</source>
        <translation>选择其他尺寸时，卡通图会作为新照片打开；当前照片保持原尺寸。</translation>
    </message>
    <message>
        <source>Output:</source>
        <translation>输出：</translation>
    </message>
    <message>
        <source>The canvas previews the cartoon while you choose; hold \ to see the original.</source>
        <translation>选择时画布会预览卡通效果；按住 \ 可查看原图。</translation>
    </message>
</context>
<context>
    <name>pm::ui::ClickSelection</name>
    <message>
        <source>Magic wand</source>
        <translation>魔棒</translation>
    </message>
    <message>
        <source>Select object</source>
        <translation>选择对象</translation>
    </message>
    <message>
        <source>Preparing the selection model</source>
        <translation>正在准备选区模型</translation>
    </message>
</context>
<context>
    <name>pm::ui::Document</name>
    <message>
        <source>“%1” is too large to open with the memory available.</source>
        <translation>“%1”太大，可用内存不足以打开。</translation>
    </message>
    <message>
        <source>Eraser stroke</source>
        <translation>橡皮擦笔画</translation>
    </message>
    <message>
        <source>Brush stroke</source>
        <translation>画笔笔画</translation>
    </message>
    <message>
        <source>Clear mask</source>
        <translation>清除蒙版</translation>
    </message>
    <message>
        <source>Invert mask</source>
        <translation>反转蒙版</translation>
    </message>
</context>
<context>
    <name>pm::ui::EmptyHint</name>
    <message>
        <source>Drop photos here or press %1</source>
        <translation>将照片拖放到这里，或按 %1</translation>
    </message>
    <message>
        <source>Open Photos…</source>
        <translation>打开照片…</translation>
    </message>
</context>
<context>
    <name>pm::ui::FacesOptions</name>
    <message>
        <source>Higher keeps more of the original face, so people stay recognisable</source>
        <translation>数值越高，保留的原始面部特征越多，人物越容易辨认</translation>
    </message>
    <message>
        <source>Fidelity:</source>
        <translation>保真度：</translation>
    </message>
    <message>
        <source>Faces are found automatically; no painting needed.</source>
        <translation>自动查找人脸，无需涂抹。</translation>
    </message>
</context>
<context>
    <name>pm::ui::LivePreview</name>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
</context>
<context>
    <name>pm::ui::MainWindow</name>
    <message>
        <source>Photos (%1);;All files (*)</source>
        <translation>照片 (%1);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Starting engine…</source>
        <translation>正在启动引擎…</translation>
    </message>
    <message>
        <source>Cancelled; nothing was changed.</source>
        <translation>已取消，未做任何更改。</translation>
    </message>
    <message>
        <source>Modes</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>已打开</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save &amp;As / Export…</source>
        <translation>另存为/导出(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>关闭(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>Ctrl+Shift+Z</source>
        <translation>Ctrl+Shift+Z</translation>
    </message>
    <message>
        <source>&amp;Clear Mask</source>
        <translation>清除蒙版(&amp;C)</translation>
    </message>
    <message>
        <source>Ctrl+Shift+A</source>
        <translation>Ctrl+Shift+A</translation>
    </message>
    <message>
        <source>&amp;Invert Mask</source>
        <translation>反转蒙版(&amp;I)</translation>
    </message>
    <message>
        <source>Ctrl+I</source>
        <translation>Ctrl+I</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>应用(&amp;A)</translation>
    </message>
    <message>
        <source>Ctrl+Return</source>
        <translation>Ctrl+Return</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>首选项(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Fit to Window</source>
        <translation>适合窗口(&amp;F)</translation>
    </message>
    <message>
        <source>Ctrl+0</source>
        <translation>Ctrl+0</translation>
    </message>
    <message>
        <source>&amp;Actual Size (100%)</source>
        <translation>实际大小 (100%)(&amp;A)</translation>
    </message>
    <message>
        <source>Ctrl+1</source>
        <translation>Ctrl+1</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>+</source>
        <translation>+</translation>
    </message>
    <message>
        <source>=</source>
        <translation>=</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>-</source>
        <translation>-</translation>
    </message>
    <message>
        <source>&amp;Split Before/After</source>
        <translation>分屏对比前后(&amp;S)</translation>
    </message>
    <message>
        <source>Ctrl+D</source>
        <translation>Ctrl+D</translation>
    </message>
    <message>
        <source>Hold \ to See the Original</source>
        <translation>按住 \ 查看原图</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>工具</translation>
    </message>
    <message>
        <source>Brush</source>
        <translation>画笔</translation>
    </message>
    <message>
        <source>B</source>
        <translation>B</translation>
    </message>
    <message>
        <source>Brush (B): paint over what should go</source>
        <translation>画笔 (B)：涂抹要去除的部分</translation>
    </message>
    <message>
        <source>Eraser</source>
        <translation>橡皮擦</translation>
    </message>
    <message>
        <source>E</source>
        <translation>E</translation>
    </message>
    <message>
        <source>Eraser (E): take parts out of the mask</source>
        <translation>橡皮擦 (E)：从蒙版中擦除部分区域</translation>
    </message>
    <message>
        <source> Size </source>
        <translation> 大小 </translation>
    </message>
    <message>
        <source>Brush size in image pixels ([ and ])</source>
        <translation>画笔大小，以图像像素计（[ 和 ]）</translation>
    </message>
    <message>
        <source>Smaller Brush</source>
        <translation>缩小画笔</translation>
    </message>
    <message>
        <source>Larger Brush</source>
        <translation>放大画笔</translation>
    </message>
    <message>
        <source>Clear Mask</source>
        <translation>清除蒙版</translation>
    </message>
    <message>
        <source>Invert Mask</source>
        <translation>反转蒙版</translation>
    </message>
    <message>
        <source>%1[*] — PhotoMend</source>
        <translation>%1[*] — PhotoMend 照片修复</translation>
    </message>
    <message>
        <source>PhotoMend</source>
        <translation>PhotoMend 照片修复</translation>
    </message>
    <message>
        <source>Open photos</source>
        <translation>打开照片</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>S&amp;plit Scanned Photos…</source>
        <translation>拆分扫描的照片(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Batch Repair…</source>
        <translation>批量修复(&amp;B)…</translation>
    </message>
    <message>
        <source>Opened without some of its metadata: %1</source>
        <translation>已打开，但缺少部分元数据：%1</translation>
    </message>
    <message numerus="yes">
        <source>Opened %n photo(s) from the scan; save each where you like.</source>
        <translation>
            <numerusform>已从扫描件中打开 %n 张照片；请分别保存到所需位置。</numerusform>
        </translation>
    </message>
    <message>
        <source>Remove object</source>
        <translation>移除物体</translation>
    </message>
    <message>
        <source>Repair old photo</source>
        <translation>修复老照片</translation>
    </message>
    <message>
        <source>Restore faces</source>
        <translation>修复人脸</translation>
    </message>
    <message>
        <source>Detect damage</source>
        <translation>检测损伤</translation>
    </message>
    <message>
        <source>Split Scanned Photos from &amp;File…</source>
        <translation>从文件拆分扫描的照片(&amp;F)…</translation>
    </message>
    <message>
        <source>Split scans of several photos</source>
        <translation>拆分多张照片的扫描件</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Save “%1” As</source>
        <translation>将“%1”另存为</translation>
    </message>
    <message>
        <source>&amp;Next Photo</source>
        <translation>下一张照片(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Previous Photo</source>
        <translation>上一张照片(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Models…</source>
        <translation>模型(&amp;M)…</translation>
    </message>
    <message>
        <source>%1 is installed; the engine is loading it.</source>
        <translation>%1 已安装，引擎正在加载它。</translation>
    </message>
    <message>
        <source>Cartoonize</source>
        <translation>卡通化</translation>
    </message>
    <message>
        <source>The cartoon opened as a new photo (%1 × %2); save it where you like.</source>
        <translation>卡通图已作为新照片打开（%1 × %2）；请保存到您想要的位置。</translation>
    </message>
    <message>
        <source>&amp;Grow Mask</source>
        <translation>扩大蒙版(&amp;G)</translation>
    </message>
    <message>
        <source>S&amp;hrink Mask</source>
        <translation>缩小蒙版(&amp;H)</translation>
    </message>
    <message>
        <source>Select</source>
        <translation>选择</translation>
    </message>
    <message>
        <source>S</source>
        <translation>S</translation>
    </message>
    <message>
        <source>Select (S): click an object to add it to the mask, Shift+click or right-click where it is not, or drag a box around it</source>
        <translation>选择 (S)：单击对象将其加入蒙版，Shift+单击或右键单击不属于它的地方，或拖出一个框把它围住</translation>
    </message>
    <message>
        <source>Magic Wand</source>
        <translation>魔棒</translation>
    </message>
    <message>
        <source>W</source>
        <translation>W</translation>
    </message>
    <message>
        <source>Magic Wand (W): click to add the similar colour to the mask, Shift+click to take it out</source>
        <translation>魔棒 (W)：单击将相近的颜色加入蒙版，Shift+单击将其移出</translation>
    </message>
    <message>
        <source>Grow mask</source>
        <translation>扩大蒙版</translation>
    </message>
    <message>
        <source>Shrink mask</source>
        <translation>缩小蒙版</translation>
    </message>
    <message>
        <source>Selecting…</source>
        <translation>正在选择…</translation>
    </message>
    <message>
        <source>Fill from a prompt</source>
        <translation>按提示词填充</translation>
    </message>
    <message>
        <source>&amp;Feather Mask…</source>
        <translation>羽化蒙版(&amp;F)…</translation>
    </message>
    <message>
        <source>Feather Mask</source>
        <translation>羽化蒙版</translation>
    </message>
    <message>
        <source>Soften the mask&apos;s edge over (pixels):</source>
        <translation>柔化蒙版边缘的宽度(像素):</translation>
    </message>
    <message>
        <source>Scissors</source>
        <translation>智能剪刀</translation>
    </message>
    <message>
        <source>O</source>
        <translation>O</translation>
    </message>
    <message>
        <source>Scissors (O): click along an outline, it follows the edges; double-click or click the first point to close it into the mask, Esc to cancel</source>
        <translation>智能剪刀 (O):沿轮廓点击,路径会贴合边缘;双击或点击第一个点闭合为蒙版,按 Esc 取消</translation>
    </message>
    <message>
        <source>Feather mask</source>
        <translation>羽化蒙版</translation>
    </message>
    <message>
        <source>Select uses the built-in selection (GrabCut); a segmentation model (Edit &gt; Models…) selects objects better</source>
        <translation>选择工具使用内置选区(GrabCut);安装分割模型(编辑 &gt; 模型…)可更准确地选择物体</translation>
    </message>
    <message>
        <source>Select uses %1</source>
        <translation>选择工具使用 %1</translation>
    </message>
    <message>
        <source>Selecting with %1…</source>
        <translation>正在用 %1 选择…</translation>
    </message>
    <message>
        <source>The segmentation model failed, the built-in selection was used: %1</source>
        <translation>分割模型出错,已改用内置选区:%1</translation>
    </message>
    <message>
        <source>Importing the model: %1 %</source>
        <translation>正在导入模型：%1 %</translation>
    </message>
    <message>
        <source>Importing the model…</source>
        <translation>正在导入模型…</translation>
    </message>
</context>
<context>
    <name>pm::ui::ModePanel</name>
    <message>
        <source>Remove object</source>
        <translation>移除物体</translation>
    </message>
    <message>
        <source>Repair old photo</source>
        <translation>修复老照片</translation>
    </message>
    <message>
        <source>Restore faces</source>
        <translation>修复人脸</translation>
    </message>
    <message>
        <source>Cartoonize</source>
        <translation>卡通化</translation>
    </message>
    <message>
        <source>Paint over what should go, then Apply.</source>
        <translation>涂抹要去除的部分，然后点击“应用”。</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Scratches, dust, faded colour, grain and faces of old scans.</source>
        <translation>修复老照片扫描件中的划痕、灰尘、褪色、颗粒和人脸。</translation>
    </message>
    <message>
        <source>Sharper, cleaner faces that still look like the person.</source>
        <translation>让人脸更清晰、更干净，同时保持本人的样貌。</translation>
    </message>
    <message>
        <source>Flat colours, soft shading and drawn lines: the photo as a cartoon.</source>
        <translation>平整的色块、柔和的明暗和手绘般的线条：把照片变成卡通。</translation>
    </message>
</context>
<context>
    <name>pm::ui::ModelHint</name>
    <message>
        <source>Install LaMa for better large fills.</source>
        <translation>安装 LaMa，大面积填充效果更好。</translation>
    </message>
    <message>
        <source>Install GPEN for better faces.</source>
        <translation>安装 GPEN，人脸修复效果更好。</translation>
    </message>
    <message>
        <source>Install AnimeGANv2 for its painted anime look; the built-in cartoon needs no model.</source>
        <translation>安装 AnimeGANv2 可获得手绘动漫风格；内置卡通效果无需模型。</translation>
    </message>
    <message>
        <source>Hide this tip</source>
        <translation>隐藏此提示</translation>
    </message>
    <message>
        <source>Models…</source>
        <translation>模型…</translation>
    </message>
    <message>
        <source>Don&apos;t show again</source>
        <translation>不再显示</translation>
    </message>
</context>
<context>
    <name>pm::ui::ModelManager</name>
    <message>
        <source>Not installed</source>
        <translation>未安装</translation>
    </message>
    <message>
        <source>Installed, not verified: %1</source>
        <translation>已安装，未校验：%1</translation>
    </message>
    <message>
        <source>Broken: %1</source>
        <translation>已损坏：%1</translation>
    </message>
    <message>
        <source>Installed and verified</source>
        <translation>已安装并已校验</translation>
    </message>
    <message>
        <source>Installed and verified (it loads and keeps its contract)</source>
        <translation>已安装并已校验（可以加载且符合约定）</translation>
    </message>
    <message>
        <source>Installed, not verified yet (no published checksum)</source>
        <translation>已安装，尚未校验（没有公布的校验和）</translation>
    </message>
    <message>
        <source>Import Model</source>
        <translation>导入模型</translation>
    </message>
    <message>
        <source>PhotoMend cannot tell which model “%1” is by its name or checksum. Which one is it?</source>
        <translation>PhotoMend 无法根据文件名或校验和判断“%1”是哪个模型。它是哪一个？</translation>
    </message>
    <message>
        <source>Remove Model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <source>Remove %1? Its file is deleted; you can download or import it again later.</source>
        <translation>删除 %1？其文件将被删除；以后可以重新下载或导入。</translation>
    </message>
    <message>
        <source>%1 was not imported.</source>
        <translation>%1 未导入。</translation>
    </message>
    <message>
        <source>%1 was not imported: %2</source>
        <translation>%1 未导入：%2</translation>
    </message>
    <message>
        <source>%1 was not removed: %2</source>
        <translation>%1 未删除：%2</translation>
    </message>
    <message>
        <source>%1 was not imported: another import is still running.</source>
        <translation>%1 未导入：另一个导入仍在进行。</translation>
    </message>
</context>
<context>
    <name>pm::ui::ModelsDialog</name>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Optional AI models make some tools better; every tool also works without them.
Models folder: %1</source>
        <translation>可选的 AI 模型能让部分工具效果更好；没有它们，每个工具也都能使用。
模型文件夹：%1</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>Improves</source>
        <translation>改进</translation>
    </message>
    <message>
        <source>&amp;Download</source>
        <translation>下载(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Import File…</source>
        <translation>导入文件(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Remove…</source>
        <translation>删除(&amp;R)…</translation>
    </message>
    <message>
        <source>Import a Model File</source>
        <translation>导入模型文件</translation>
    </message>
    <message>
        <source>Model files (*.pt *.pth *.ckpt *.safetensors *.onnx *.bin);;All files (*)</source>
        <translation>模型文件 (*.pt *.pth *.ckpt *.safetensors *.onnx *.bin);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Downloading…</source>
        <translation>正在下载…</translation>
    </message>
    <message>
        <source>The model list cannot be read: %1</source>
        <translation>无法读取模型列表：%1</translation>
    </message>
    <message>
        <source>No direct download: get the file from %1, then import it.</source>
        <translation>没有直接下载：请从 %1 获取文件，然后导入。</translation>
    </message>
    <message>
        <source>%1 has no direct download: get the file from %2, then import it.</source>
        <translation>%1 没有直接下载：请从 %2 获取文件，然后导入。</translation>
    </message>
    <message>
        <source>Downloading %1…</source>
        <translation>正在下载 %1…</translation>
    </message>
    <message>
        <source>%1 is downloaded, verified and installed.</source>
        <translation>%1 已下载、校验并安装。</translation>
    </message>
    <message>
        <source>The download of %1 was cancelled; the next one resumes where it stopped.</source>
        <translation>%1 的下载已取消；下次会从中断处继续。</translation>
    </message>
    <message>
        <source>%1 was not downloaded: %2</source>
        <translation>%1 未下载：%2</translation>
    </message>
    <message>
        <source>%1 is imported and installed.</source>
        <translation>%1 已导入并安装。</translation>
    </message>
    <message>
        <source>%1 is removed.</source>
        <translation>%1 已删除。</translation>
    </message>
    <message>
        <source>%1: %2
Licence: %3
From: %4
Published checksum: %5</source>
        <translation>%1：%2
许可证：%3
来源：%4
公布的校验和：%5</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <source>Import &amp;Folder…</source>
        <translation>导入文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>Import a diffusers folder (PowerPaint v1, SD-1.5 inpainting: unet/, vae/, text_encoder/, tokenizer/)</source>
        <translation>导入 diffusers 文件夹（PowerPaint v1、SD-1.5 inpainting：unet/、vae/、text_encoder/、tokenizer/）</translation>
    </message>
    <message>
        <source>Import a Model Folder</source>
        <translation>导入模型文件夹</translation>
    </message>
    <message>
        <source>Checking and copying %1…</source>
        <translation>正在校验并复制 %1…</translation>
    </message>
</context>
<context>
    <name>pm::ui::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <source>System default (%1)</source>
        <translation>跟随系统 (%1)</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>A new language shows the next time PhotoMend starts.</source>
        <translation>新的语言将在下次启动 PhotoMend 时生效。</translation>
    </message>
</context>
<context>
    <name>pm::ui::PromptFillOptions</name>
    <message>
        <source>Fill with a prompt</source>
        <translation>按提示词填充</translation>
    </message>
    <message>
        <source>Remove with context</source>
        <translation>结合周围内容移除</translation>
    </message>
    <message>
        <source>Extend the canvas</source>
        <translation>扩展画布</translation>
    </message>
    <message>
        <source>Shape-guided insert</source>
        <translation>按形状插入</translation>
    </message>
    <message>
        <source>Fill: the prompt says what appears in the painted area. Remove: the area is filled from its surroundings. Extend: new canvas around the photo. Shape: an object that follows the painted shape.</source>
        <translation>填充：提示词说明涂抹区域中出现什么。移除：用周围内容填充该区域。扩展：在照片周围生成新画布。形状：插入一个贴合涂抹形状的物体。</translation>
    </message>
    <message>
        <source>Task:</source>
        <translation>任务：</translation>
    </message>
    <message>
        <source>What should appear, e.g. a wooden bench</source>
        <translation>应出现的内容，例如：一张木长椅</translation>
    </message>
    <message>
        <source>Prompt:</source>
        <translation>提示词：</translation>
    </message>
    <message>
        <source>What should not appear</source>
        <translation>不应出现的内容</translation>
    </message>
    <message>
        <source>Negative prompt:</source>
        <translation>反向提示词：</translation>
    </message>
    <message>
        <source>How closely the object follows the painted shape (right: exactly)</source>
        <translation>物体贴合涂抹形状的程度（最右：完全贴合）</translation>
    </message>
    <message>
        <source>Fitting degree:</source>
        <translation>贴合程度：</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>左</translation>
    </message>
    <message>
        <source>Right</source>
        <translation>右</translation>
    </message>
    <message>
        <source>Top</source>
        <translation>上</translation>
    </message>
    <message>
        <source>Bottom</source>
        <translation>下</translation>
    </message>
    <message>
        <source>Extend:</source>
        <translation>扩展：</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source>Extend by:</source>
        <translation>扩展量：</translation>
    </message>
    <message>
        <source>More steps: finer detail, slower</source>
        <translation>步数越多：细节越精细，速度越慢</translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation>步数：</translation>
    </message>
    <message>
        <source>How strongly the prompt is followed; 10 or more helps to remove and extend</source>
        <translation>遵循提示词的强度；移除和扩展时设为 10 或更高效果更好</translation>
    </message>
    <message>
        <source>Guidance:</source>
        <translation>引导强度：</translation>
    </message>
    <message>
        <source>The same seed and settings give the same result; variation k uses seed + k</source>
        <translation>相同的种子和设置得到相同的结果；第 k 个变体使用种子 + k</translation>
    </message>
    <message>
        <source>New seed</source>
        <translation>新种子</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>种子：</translation>
    </message>
    <message>
        <source>Several results to pick from, each with its own seed</source>
        <translation>生成多个结果供挑选，每个使用各自的种子</translation>
    </message>
    <message>
        <source>Variations:</source>
        <translation>变体数：</translation>
    </message>
    <message>
        <source>Describe what should appear in the prompt first.</source>
        <translation>请先在提示词中描述应出现的内容。</translation>
    </message>
    <message>
        <source>Choose at least one side to extend.</source>
        <translation>请至少选择一个要扩展的边。</translation>
    </message>
    <message>
        <source>On the CPU this takes minutes; the time left shows after the first step.</source>
        <translation>在 CPU 上需要数分钟；第一步完成后会显示剩余时间。</translation>
    </message>
    <message>
        <source>No prompt-fill model is installed: download or import one with Edit &gt; Models…</source>
        <translation>未安装提示词填充模型：请通过“编辑 &gt; 模型…”下载或导入。</translation>
    </message>
    <message>
        <source>Looked in %1: %2</source>
        <translation>已在 %1 中查找：%2</translation>
    </message>
    <message>
        <source>No prompt-fill model is installed: download or import PowerPaint v1 or SD-1.5 inpainting with Edit &gt; Models…</source>
        <translation>未安装提示词填充模型：请通过“编辑 &gt; 模型…”下载或导入 PowerPaint v1 或 SD-1.5 inpainting。</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>On the CPU this takes about %1: %2 steps of %3 s, as measured at the last fill. Fewer steps are faster.</source>
        <translation>在 CPU 上大约需要 %1：%2 步，每步 %3 秒（按上次填充实测）。步数越少越快。</translation>
    </message>
</context>
<context>
    <name>pm::ui::RecentFiles</name>
    <message>
        <source>No recent files</source>
        <translation>没有最近打开的文件</translation>
    </message>
    <message>
        <source>Clear list</source>
        <translation>清除列表</translation>
    </message>
</context>
<context>
    <name>pm::ui::RemoveOptions</name>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Built-in (PatchMatch)</source>
        <translation>内置 (PatchMatch)</translation>
    </message>
    <message>
        <source>LaMa model</source>
        <translation>LaMa 模型</translation>
    </message>
    <message>
        <source>Engine:</source>
        <translation>引擎：</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source>Grow the mask so no halo of the removed object is left</source>
        <translation>扩展蒙版，避免被移除物体留下光晕</translation>
    </message>
    <message>
        <source>Grow mask:</source>
        <translation>扩展蒙版：</translation>
    </message>
    <message>
        <source>Feather seam:</source>
        <translation>接缝羽化：</translation>
    </message>
    <message>
        <source>Apply when a stroke ends</source>
        <translation>每笔结束时自动应用</translation>
    </message>
    <message>
        <source>Grow</source>
        <translation>扩大</translation>
    </message>
    <message>
        <source>Grow the mask by this many pixels</source>
        <translation>将蒙版扩大这么多像素</translation>
    </message>
    <message>
        <source>Shrink</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Shrink the mask by this many pixels</source>
        <translation>将蒙版缩小这么多像素</translation>
    </message>
    <message>
        <source>Selection:</source>
        <translation>选区：</translation>
    </message>
    <message>
        <source>How different a colour may be and still count as similar</source>
        <translation>颜色差别在多大以内仍算作相近</translation>
    </message>
    <message>
        <source>Wand tolerance:</source>
        <translation>魔棒容差：</translation>
    </message>
    <message>
        <source>Only connected pixels</source>
        <translation>仅相连的像素</translation>
    </message>
    <message>
        <source>Off: the wand selects the similar colour everywhere in the photo</source>
        <translation>关闭时，魔棒会选中整张照片中相近的颜色</translation>
    </message>
    <message>
        <source>Fill from a prompt (PowerPaint)</source>
        <translation>按提示词填充 (PowerPaint)</translation>
    </message>
    <message>
        <source>Automatic uses the LaMa model when it is installed; a prompt fill describes what should appear</source>
        <translation>“自动”会在已安装 LaMa 模型时使用该模型；按提示词填充可描述应出现的内容</translation>
    </message>
</context>
<context>
    <name>pm::ui::RepairOptions</name>
    <message>
        <source>Scratches and dust</source>
        <translation>划痕和灰尘</translation>
    </message>
    <message>
        <source>How eagerly thin lines and specks count as damage</source>
        <translation>细线和斑点被判定为损伤的敏感程度</translation>
    </message>
    <message>
        <source>Detect Damage</source>
        <translation>检测损伤</translation>
    </message>
    <message>
        <source>Mark scratches and dust as a mask you can refine with the brush and eraser</source>
        <translation>将划痕和灰尘标记为蒙版，可用画笔和橡皮擦修改</translation>
    </message>
    <message>
        <source>Sensitivity:</source>
        <translation>灵敏度：</translation>
    </message>
    <message>
        <source>Restore faded colour</source>
        <translation>恢复褪色</translation>
    </message>
    <message>
        <source>Colour cast removal and contrast stretch</source>
        <translation>去除偏色并拉伸对比度</translation>
    </message>
    <message>
        <source>Strength:</source>
        <translation>强度：</translation>
    </message>
    <message>
        <source>Reduce grain</source>
        <translation>减少颗粒噪点</translation>
    </message>
    <message>
        <source>Film grain and JPEG noise, keeping edges</source>
        <translation>去除胶片颗粒和 JPEG 噪点，保留边缘</translation>
    </message>
    <message>
        <source>Amount:</source>
        <translation>数量：</translation>
    </message>
    <message>
        <source>Sharpen</source>
        <translation>锐化</translation>
    </message>
    <message>
        <source>Unsharp mask with halo control</source>
        <translation>带光晕控制的 USM 锐化</translation>
    </message>
    <message>
        <source>Restore faces</source>
        <translation>修复人脸</translation>
    </message>
    <message>
        <source>Higher keeps more of the original face, so people stay recognisable</source>
        <translation>数值越高，保留的原始面部特征越多，人物越容易辨认</translation>
    </message>
    <message>
        <source>Fidelity:</source>
        <translation>保真度：</translation>
    </message>
</context>
<context>
    <name>pm::ui::ScissorsOutline</name>
    <message>
        <source>Scissors selection</source>
        <translation>智能剪刀选区</translation>
    </message>
</context>
<context>
    <name>pm::ui::SplitScanDialog</name>
    <message>
        <source>Split Scanned Photos</source>
        <translation>拆分扫描的照片</translation>
    </message>
    <message>
        <source>Photo %1</source>
        <translation>照片 %1</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source>°</source>
        <translation>°</translation>
    </message>
    <message>
        <source>Centre x:</source>
        <translation>中心 x：</translation>
    </message>
    <message>
        <source>Centre y:</source>
        <translation>中心 y：</translation>
    </message>
    <message>
        <source>Width:</source>
        <translation>宽度：</translation>
    </message>
    <message>
        <source>Height:</source>
        <translation>高度：</translation>
    </message>
    <message>
        <source>Angle:</source>
        <translation>角度：</translation>
    </message>
    <message>
        <source>Open as New Photos</source>
        <translation>作为新照片打开</translation>
    </message>
    <message>
        <source>Untick a photo to skip it; select one to adjust its box.</source>
        <translation>取消勾选照片可跳过它；选中照片可调整其边框。</translation>
    </message>
</context>
<context>
    <name>pm::ui::SplitScanFlow</name>
    <message>
        <source>Split Scanned Photos</source>
        <translation>拆分扫描的照片</translation>
    </message>
    <message numerus="yes">
        <source>“%1” looks like a scan of %n photo(s): split it into separate photos?</source>
        <translation>
            <numerusform>“%1”看起来是 %n 张照片的扫描件：要将其拆分为单独的照片吗？</numerusform>
        </translation>
    </message>
    <message>
        <source>Split…</source>
        <translation>拆分…</translation>
    </message>
    <message>
        <source>Keep as One Photo</source>
        <translation>保留为一张照片</translation>
    </message>
    <message>
        <source>Find photos on the scan</source>
        <translation>在扫描件上查找照片</translation>
    </message>
    <message>
        <source>Looking for photos on %1…</source>
        <translation>正在 %1 上查找照片…</translation>
    </message>
    <message>
        <source>This looks like a single photo: no separate photos were found on a scanner background in “%1”. Scan the photos on a light, plain background, with a little space between them.</source>
        <translation>这看起来是一张单独的照片：在“%1”中没有找到放在扫描仪背景上的多张照片。请将照片放在浅色、纯色的背景上扫描，并在照片之间留出一点间距。</translation>
    </message>
</context>
<context>
    <name>pm::ui::UnsavedChangesDialog</name>
    <message>
        <source>painted mask not applied</source>
        <translation>绘制的蒙版未应用</translation>
    </message>
    <message>
        <source>new photo, never saved</source>
        <translation>新照片，从未保存</translation>
    </message>
    <message>
        <source>unsaved changes</source>
        <translation>有未保存的更改</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <source>“%1” has unsaved changes. Save them before closing?</source>
        <translation>“%1”有未保存的更改。关闭前是否保存？</translation>
    </message>
    <message>
        <source>Its painted mask was not applied; the mask is not saved with the photo and will be lost.</source>
        <translation>它绘制的蒙版尚未应用；蒙版不会随照片保存，关闭后将丢失。</translation>
    </message>
    <message>
        <source>“%1” has a painted mask that was not applied.</source>
        <translation>“%1”有一个尚未应用的绘制蒙版。</translation>
    </message>
    <message>
        <source>The mask is not saved with the photo. Apply it to keep its result, or close and lose it.</source>
        <translation>蒙版不会随照片保存。请先应用以保留其结果，或关闭并放弃它。</translation>
    </message>
    <message>
        <source>&amp;Discard Mask</source>
        <translation>放弃蒙版(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Keep Editing</source>
        <translation>继续编辑(&amp;K)</translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) have unsaved work. Save them before closing?</source>
        <translation>
            <numerusform>%n 张照片有未保存的工作。关闭前要保存吗？</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) have painted masks that were not applied.</source>
        <translation>
            <numerusform>%n 张照片有尚未应用的绘制蒙版。</numerusform>
        </translation>
    </message>
    <message>
        <source>Painted masks that were not applied are not saved with the photos.</source>
        <translation>尚未应用的绘制蒙版不会随照片保存。</translation>
    </message>
    <message>
        <source>New photos ask for a file name each.</source>
        <translation>每张新照片都会询问文件名。</translation>
    </message>
    <message>
        <source>&amp;Discard All</source>
        <translation>全部放弃(&amp;D)</translation>
    </message>
</context>
<context>
    <name>pm::ui::VariationStrip</name>
    <message>
        <source>Pick a variation:</source>
        <translation>选择一个变体：</translation>
    </message>
    <message>
        <source>Use this</source>
        <translation>使用此结果</translation>
    </message>
    <message>
        <source>Apply the variation shown on the canvas (one undo step)</source>
        <translation>应用画布上显示的变体（一个撤销步骤）</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message>
        <source>Keep the photo as it was (Esc)</source>
        <translation>保持照片原样 (Esc)</translation>
    </message>
    <message>
        <source>The photo changed after the variations were made; none was applied.</source>
        <translation>生成变体后照片已更改；未应用任何变体。</translation>
    </message>
    <message>
        <source>Variation %1 (%2)</source>
        <translation>变体 %1（%2）</translation>
    </message>
</context>
</TS>
