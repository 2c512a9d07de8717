; Inno Setup script: nnbuilder-<version>-windows-x64-setup.exe from the PyInstaller folder
; build\windows\dist\nnbuilder (packaging\windows\nnbuilder.spec). Untested on the project's Linux
; machines; CI builds it on a Windows runner (.github/workflows/installers.yml):
;   iscc /DAppVersion=0.1.0 packaging\windows\nnbuilder.iss
; Installs per user by default (no administrator needed in a lab); "for all users" is offered.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6B1E3C2A-8F4D-4E59-9A51-2C7D0B9E4F10}
AppName=nnbuilder
AppVersion={#AppVersion}
AppPublisher=nnbuilder developers
DefaultDirName={autopf}\nnbuilder
DefaultGroupName=nnbuilder
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\build\windows
OutputBaseFilename=nnbuilder-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\nnbuilder.ico
UninstallDisplayIcon={app}\nnbuilder.exe
Compression=lzma2/max
SolidCompression=yes
ChangesAssociations=yes
WizardStyle=modern

[Files]
Source: "..\..\build\windows\dist\nnbuilder\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{group}\nnbuilder"; Filename: "{app}\nnbuilder.exe"
Name: "{autodesktop}\nnbuilder"; Filename: "{app}\nnbuilder.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Registry]
; .nnb files open in nnbuilder (per user or machine-wide, following the install mode).
Root: HKA; Subkey: "Software\Classes\.nnb"; ValueType: string; ValueName: ""; ValueData: "nnbuilder.project"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.nnb"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-nnbuilder-project"
Root: HKA; Subkey: "Software\Classes\nnbuilder.project"; ValueType: string; ValueName: ""; ValueData: "nnbuilder project"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\nnbuilder.project\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\nnbuilder.exe,0"
Root: HKA; Subkey: "Software\Classes\nnbuilder.project\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\nnbuilder.exe"" ""%1"""

[Run]
Filename: "{app}\nnbuilder.exe"; Description: "Start nnbuilder"; Flags: nowait postinstall skipifsilent
